-- Files attached to bids. Keep in step with ../sqlite/0011_bid_attachments.sql.
-- The bytes live outside the database (the file store, by SHA-256); this is what the bid says
-- of them, and what its receipt commits to.
CREATE TABLE bid_attachments (
    id UUID PRIMARY KEY,
    bid_id UUID NOT NULL REFERENCES bids(id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    name TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    kind TEXT NOT NULL,
    uploaded_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX bid_attachments_bid ON bid_attachments(bid_id, created_at);

-- Every change of a draft's content bumps its version; a submission commits to the version it
-- read, so an edit or upload racing the submission cannot slip past its receipt.
ALTER TABLE bids ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- What each receipt commits to of the attachments (name, size, SHA-256), as JSON.
ALTER TABLE bid_receipts ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
