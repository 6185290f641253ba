-- Technology achievements (科技成果). Keep in step with ../sqlite/0002_achievements.sql.
CREATE TABLE achievements (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organizations(id),
    created_by UUID NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    chain_code TEXT NOT NULL REFERENCES industry_chains(code),
    field TEXT NOT NULL,
    keywords TEXT NOT NULL,
    trl BIGINT NOT NULL CHECK (trl BETWEEN 1 AND 9),
    patents TEXT NOT NULL,
    transfer_modes TEXT NOT NULL,
    -- NULL means 面议 (negotiable).
    price_fen BIGINT CHECK (price_fen IS NULL OR price_fen >= 0),
    status TEXT NOT NULL,
    status_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX achievements_status ON achievements(status, published_at);
CREATE INDEX achievements_org ON achievements(org_id);
