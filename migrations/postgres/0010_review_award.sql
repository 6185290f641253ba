-- Expert review, award, 公示 with objections, the holiday calendar and in-app notifications.
-- Keep in step with ../sqlite/0010_review_award.sql.
CREATE TABLE review_assignments (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    bid_id UUID NOT NULL REFERENCES bids(id),
    expert_user_id UUID NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    -- Set when an official assigned despite a detected conflict.
    override_reason TEXT,
    comment TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (bid_id, expert_user_id)
);
CREATE INDEX review_assignments_expert ON review_assignments(expert_user_id, status);
CREATE INDEX review_assignments_call ON review_assignments(call_id);

CREATE TABLE review_scores (
    assignment_id UUID NOT NULL REFERENCES review_assignments(id),
    criterion BIGINT NOT NULL,
    score BIGINT NOT NULL CHECK (score >= 0),
    comment TEXT NOT NULL,
    PRIMARY KEY (assignment_id, criterion)
);

-- The award being announced (or standing once the 公示 ends).
CREATE TABLE call_awards (
    call_id UUID NOT NULL REFERENCES calls(id),
    bid_id UUID NOT NULL REFERENCES bids(id),
    reason TEXT NOT NULL,
    justification TEXT,
    PRIMARY KEY (call_id, bid_id)
);
ALTER TABLE calls ADD COLUMN publicity_starts_at TIMESTAMPTZ;
ALTER TABLE calls ADD COLUMN publicity_ends_at TIMESTAMPTZ;

CREATE TABLE objections (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    user_id UUID NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    answer TEXT,
    upheld BOOLEAN,
    answered_by UUID REFERENCES users(id),
    answered_at TIMESTAMPTZ
);
CREATE INDEX objections_call ON objections(call_id, created_at);

CREATE TABLE holidays (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

CREATE TABLE notifications (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    link TEXT NOT NULL,
    -- Events that fire once per (user, key), e.g. the 24-hour reminder of one bid.
    dedupe_key TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
