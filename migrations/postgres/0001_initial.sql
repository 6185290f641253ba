-- Jiebang initial schema (PostgreSQL). Money is integer fen (BIGINT), times are TIMESTAMPTZ.
-- Keep in step with ../sqlite/0001_initial.sql.
CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort BIGINT NOT NULL
);

CREATE TABLE industry_chains (
    code TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES industry_chains(code),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort BIGINT NOT NULL
);

CREATE TABLE plan_targets (
    code TEXT PRIMARY KEY,
    task BIGINT,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    target_value TEXT NOT NULL,
    unit_zh TEXT NOT NULL,
    comparator TEXT NOT NULL,
    period TEXT NOT NULL,
    lead_unit TEXT NOT NULL,
    co_units TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT,
    sort BIGINT NOT NULL
);

CREATE TABLE organizations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    district_code TEXT NOT NULL REFERENCES districts(code),
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    org_id UUID REFERENCES organizations(id),
    membership_active BOOLEAN NOT NULL DEFAULT FALSE,
    is_org_admin BOOLEAN NOT NULL DEFAULT FALSE,
    privacy_accepted_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE user_roles (
    user_id UUID NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);

CREATE TABLE email_outbox (
    id UUID PRIMARY KEY,
    to_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);

CREATE TABLE demands (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organizations(id),
    created_by UUID NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    chain_code TEXT NOT NULL REFERENCES industry_chains(code),
    field TEXT NOT NULL,
    keywords TEXT NOT NULL,
    budget_min_fen BIGINT NOT NULL CHECK (budget_min_fen >= 0),
    budget_max_fen BIGINT NOT NULL CHECK (budget_max_fen >= budget_min_fen),
    trl BIGINT NOT NULL CHECK (trl BETWEEN 1 AND 9),
    deadline TIMESTAMPTZ NOT NULL,
    ip_preference TEXT NOT NULL,
    confidential_detail TEXT NOT NULL,
    status TEXT NOT NULL,
    rejection_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX demands_status ON demands(status, published_at);
CREATE INDEX demands_org ON demands(org_id);

-- The audit log is append-only; audit_head serialises writers and carries the chain's tip.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log(entity_type, entity_id);

-- Changes the search index must apply; written in the same transaction as the change.
CREATE TABLE search_outbox (
    id BIGSERIAL PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ
);
