-- Disputes over an already-registered credit code, decided by officials. Keep in step with
-- ../sqlite/0004_disputes.sql.
CREATE TABLE credit_code_disputes (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organizations(id),
    user_id UUID NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    decision_note TEXT
);
CREATE INDEX disputes_status ON credit_code_disputes(status);
