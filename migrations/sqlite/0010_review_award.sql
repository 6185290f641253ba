-- Expert review, award, 公示 with objections, the holiday calendar and in-app notifications.
-- Keep in step with ../postgres/0010_review_award.sql.
CREATE TABLE review_assignments (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    bid_id BLOB NOT NULL REFERENCES bids(id),
    expert_user_id BLOB NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    -- Set when an official assigned despite a detected conflict.
    override_reason TEXT,
    comment TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (bid_id, expert_user_id)
);
CREATE INDEX review_assignments_expert ON review_assignments(expert_user_id, status);
CREATE INDEX review_assignments_call ON review_assignments(call_id);

CREATE TABLE review_scores (
    assignment_id BLOB NOT NULL REFERENCES review_assignments(id),
    criterion INTEGER NOT NULL,
    score INTEGER NOT NULL CHECK (score >= 0),
    comment TEXT NOT NULL,
    PRIMARY KEY (assignment_id, criterion)
);

-- The award being announced (or standing once the 公示 ends).
CREATE TABLE call_awards (
    call_id BLOB NOT NULL REFERENCES calls(id),
    bid_id BLOB NOT NULL REFERENCES bids(id),
    reason TEXT NOT NULL,
    justification TEXT,
    PRIMARY KEY (call_id, bid_id)
);
ALTER TABLE calls ADD COLUMN publicity_starts_at TEXT;
ALTER TABLE calls ADD COLUMN publicity_ends_at TEXT;

CREATE TABLE objections (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answer TEXT,
    upheld INTEGER,
    answered_by BLOB REFERENCES users(id),
    answered_at TEXT
);
CREATE INDEX objections_call ON objections(call_id, created_at);

CREATE TABLE holidays (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

CREATE TABLE notifications (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    link TEXT NOT NULL,
    -- Events that fire once per (user, key), e.g. the 24-hour reminder of one bid.
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
