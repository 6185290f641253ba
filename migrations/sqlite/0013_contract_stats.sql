-- The keys the technology-contract statistics group by, kept on each row so a breakdown is one
-- indexed scan: the registration day and month (Beijing time), the district or zone counted
-- (the seller's when in Nanning, else the buyer's), the flow seen from Nanning, the top-level
-- chain and the seller's kind. The application writes them with every row (domain/stats.rs
-- decides them); this backfills rows written before. Keep in step with ../postgres/0013_contract_stats.sql.
ALTER TABLE contracts ADD COLUMN registered_on TEXT;
ALTER TABLE contracts ADD COLUMN registered_month TEXT;
ALTER TABLE contracts ADD COLUMN district TEXT;
ALTER TABLE contracts ADD COLUMN flow TEXT NOT NULL DEFAULT 'outside';
ALTER TABLE contracts ADD COLUMN chain_top TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN seller_kind TEXT NOT NULL DEFAULT 'other';

UPDATE contracts SET
    registered_on = date(registered_at, '+8 hours'),
    registered_month = strftime('%Y-%m', registered_at, '+8 hours'),
    district = CASE WHEN seller_region = 'nanning' THEN seller_place WHEN buyer_region = 'nanning' THEN buyer_place END,
    flow = CASE
        WHEN seller_region = 'nanning' THEN CASE
            WHEN buyer_region = 'nanning' THEN 'local'
            WHEN buyer_region = 'guangxi' THEN 'output_guangxi'
            WHEN buyer_region = 'domestic' THEN 'output_domestic'
            WHEN buyer_place IN ('BN','KH','ID','LA','MY','MM','PH','SG','TH','VN') THEN 'output_asean'
            ELSE 'output_abroad' END
        WHEN buyer_region = 'nanning' THEN CASE
            WHEN seller_region = 'guangxi' THEN 'absorb_guangxi'
            WHEN seller_region = 'domestic' THEN 'absorb_domestic'
            WHEN seller_place IN ('BN','KH','ID','LA','MY','MM','PH','SG','TH','VN') THEN 'absorb_asean'
            ELSE 'absorb_abroad' END
        ELSE 'outside' END,
    chain_top = CASE WHEN instr(chain_code, '.') > 0 THEN substr(chain_code, 1, instr(chain_code, '.') - 1) ELSE chain_code END,
    seller_kind = CASE WHEN seller_type IN ('enterprise', 'university', 'institute') THEN seller_type ELSE 'other' END;

CREATE INDEX contracts_registered ON contracts(status, registered_on, contract_amount_fen, tech_amount_fen);
