-- 揭榜挂帅 calls and their sealed bids. Keep in step with ../sqlite/0009_calls.sql.
-- Lists (indicators, criteria, milestones, eligibility) are JSON text written by the app.
CREATE TABLE calls (
    id UUID PRIMARY KEY,
    created_by UUID NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    background TEXT NOT NULL,
    goal TEXT NOT NULL,
    chain_code TEXT NOT NULL REFERENCES industry_chains(code),
    district_code TEXT NOT NULL REFERENCES districts(code),
    indicators TEXT NOT NULL,
    acceptance TEXT NOT NULL,
    city_fund_fen BIGINT NOT NULL CHECK (city_fund_fen >= 0),
    enterprise_fund_fen BIGINT NOT NULL CHECK (enterprise_fund_fen >= 0),
    co_funder_org_id UUID REFERENCES organizations(id),
    eligibility TEXT NOT NULL,
    opens_at TIMESTAMPTZ NOT NULL,
    closes_at TIMESTAMPTZ NOT NULL CHECK (closes_at > opens_at),
    criteria TEXT NOT NULL,
    score_scale BIGINT NOT NULL CHECK (score_scale BETWEEN 5 AND 100),
    winners BIGINT NOT NULL CHECK (winners >= 1),
    duration_months BIGINT NOT NULL CHECK (duration_months >= 1),
    milestones TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX calls_status ON calls(status, closes_at);

CREATE TABLE call_demands (
    call_id UUID NOT NULL REFERENCES calls(id),
    demand_id UUID NOT NULL REFERENCES demands(id),
    PRIMARY KEY (call_id, demand_id)
);
CREATE INDEX call_demands_demand ON call_demands(demand_id);

-- One bid per organization and call. Its content is read only by the bid queries the policy
-- admits (see app::policy::bid_access); the public count reads the status alone.
CREATE TABLE bids (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    org_id UUID NOT NULL REFERENCES organizations(id),
    lead_user_id UUID NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    proposal TEXT NOT NULL,
    budget_fen BIGINT NOT NULL CHECK (budget_fen > 0),
    timeline TEXT NOT NULL,
    milestone_plan TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    submitted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (call_id, org_id)
);
CREATE INDEX bids_call ON bids(call_id, status);
CREATE INDEX bids_lead ON bids(lead_user_id);

CREATE TABLE bid_members (
    bid_id UUID NOT NULL REFERENCES bids(id),
    user_id UUID NOT NULL REFERENCES users(id),
    confirmed_at TIMESTAMPTZ,
    PRIMARY KEY (bid_id, user_id)
);
CREATE INDEX bid_members_user ON bid_members(user_id);

-- Every submission's receipt: the SHA-256 of the bid's canonical serialization at that moment.
CREATE TABLE bid_receipts (
    sha256 TEXT PRIMARY KEY,
    bid_id UUID NOT NULL REFERENCES bids(id),
    call_id UUID NOT NULL REFERENCES calls(id),
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX bid_receipts_bid ON bid_receipts(bid_id, submitted_at);
