-- Disputes over an already-registered credit code, decided by officials. Keep in step with
-- ../postgres/0004_disputes.sql.
CREATE TABLE credit_code_disputes (
    id BLOB PRIMARY KEY,
    org_id BLOB NOT NULL REFERENCES organizations(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by BLOB REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX disputes_status ON credit_code_disputes(status);
