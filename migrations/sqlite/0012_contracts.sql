-- Technology contracts and their registration (技术合同认定登记). Keep in step with
-- ../postgres/0012_contracts.sql. Parties are kept by name, credit code and place, and linked to
-- an organization on the platform when it is one; amounts are fen, 技术交易额 ≤ 合同成交额.
CREATE TABLE contracts (
    id BLOB PRIMARY KEY,
    registration_number TEXT UNIQUE,
    applicant_user_id BLOB REFERENCES users(id),
    applicant_org_id BLOB REFERENCES organizations(id),
    applicant_side TEXT NOT NULL CHECK (applicant_side IN ('seller', 'buyer')),
    contract_type TEXT NOT NULL,
    title TEXT NOT NULL,
    seller_name TEXT NOT NULL,
    seller_credit_code TEXT,
    seller_org_id BLOB REFERENCES organizations(id),
    seller_type TEXT NOT NULL,
    seller_region TEXT NOT NULL,
    seller_place TEXT NOT NULL,
    buyer_name TEXT NOT NULL,
    buyer_credit_code TEXT,
    buyer_org_id BLOB REFERENCES organizations(id),
    buyer_type TEXT NOT NULL,
    buyer_region TEXT NOT NULL,
    buyer_place TEXT NOT NULL,
    contract_amount_fen INTEGER NOT NULL CHECK (contract_amount_fen > 0),
    tech_amount_fen INTEGER NOT NULL CHECK (tech_amount_fen > 0 AND tech_amount_fen <= contract_amount_fen),
    non_technical TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    ends_on TEXT,
    chain_code TEXT NOT NULL REFERENCES industry_chains(code),
    field TEXT NOT NULL,
    ip_type TEXT NOT NULL,
    plan_origin TEXT NOT NULL,
    demand_id BLOB REFERENCES demands(id),
    call_id BLOB REFERENCES calls(id),
    achievement_id BLOB REFERENCES achievements(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    submitted_at TEXT,
    registered_at TEXT,
    -- application | import | seed | award
    source TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contracts_status ON contracts(status, registered_at);
CREATE INDEX contracts_applicant ON contracts(applicant_org_id, updated_at);
CREATE INDEX contracts_call ON contracts(call_id);

-- The last registration number issued in each year.
CREATE TABLE contract_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);
