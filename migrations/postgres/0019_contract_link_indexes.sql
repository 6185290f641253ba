-- A demand's and an achievement's page list the contracts that came from them, and an
-- organization's page the contracts it is a party to: without these indexes each of those
-- pages read the whole contracts table (8,000 rows in the demo, millions in production).
CREATE INDEX contracts_demand ON contracts(demand_id);
CREATE INDEX contracts_achievement ON contracts(achievement_id);
CREATE INDEX contracts_seller_org ON contracts(seller_org_id);
CREATE INDEX contracts_buyer_org ON contracts(buyer_org_id);
