-- The plan's target tracker: which of the plan's units (市科技局, 市卫健委, …) an organization
-- is, and the values units report for their targets, with evidence, reviewed by 市科技局. A
-- report is never changed once reviewed: a correction is a new report, so the history stays.
-- Keep in step with ../postgres/0014_target_reports.sql.
ALTER TABLE organizations ADD COLUMN plan_unit TEXT;

CREATE TABLE target_reports (
    id BLOB PRIMARY KEY,
    target_code TEXT NOT NULL REFERENCES plan_targets(code),
    period TEXT NOT NULL,
    -- Ten-thousandths of the target's unit (1.94% is 19400).
    value BIGINT NOT NULL CHECK (value >= 0),
    note TEXT NOT NULL,
    unit TEXT NOT NULL,
    reported_by BLOB NOT NULL REFERENCES users(id),
    reported_at TEXT NOT NULL,
    -- submitted | accepted | returned
    status TEXT NOT NULL,
    review_note TEXT,
    reviewed_by BLOB REFERENCES users(id),
    reviewed_at TEXT
);
CREATE INDEX target_reports_code ON target_reports(target_code, reported_at);

CREATE TABLE target_evidence (
    id BLOB PRIMARY KEY,
    report_id BLOB NOT NULL REFERENCES target_reports(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX target_evidence_report ON target_evidence(report_id);
