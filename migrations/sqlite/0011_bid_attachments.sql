-- Files attached to bids. Keep in step with ../postgres/0011_bid_attachments.sql.
-- The bytes live outside the database (the file store, by SHA-256); this is what the bid says
-- of them, and what its receipt commits to.
CREATE TABLE bid_attachments (
    id BLOB PRIMARY KEY,
    bid_id BLOB NOT NULL REFERENCES bids(id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    name TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    kind TEXT NOT NULL,
    uploaded_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX bid_attachments_bid ON bid_attachments(bid_id, created_at);

-- Every change of a draft's content bumps its version; a submission commits to the version it
-- read, so an edit or upload racing the submission cannot slip past its receipt.
ALTER TABLE bids ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- What each receipt commits to of the attachments (name, size, SHA-256), as JSON.
ALTER TABLE bid_receipts ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
