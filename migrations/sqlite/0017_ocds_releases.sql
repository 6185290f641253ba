-- Open data: one OCDS release per change of a public call, kept as published, so an outside
-- system mirroring the feed sees every state the call went through. A row without a body marks
-- a change that altered nothing public (a milestone submitted, say). Keep in step with
-- ../postgres/0017_ocds_releases.sql.
CREATE TABLE ocds_releases (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id BLOB NOT NULL REFERENCES calls(id),
    -- the call's updated_at the release is of
    released_at TEXT NOT NULL,
    release_id TEXT UNIQUE,
    -- SHA-256 of the release without its id and date: what changed publicly
    content_hash TEXT NOT NULL,
    body TEXT,
    UNIQUE (call_id, released_at)
);
CREATE INDEX ocds_releases_published ON ocds_releases(seq) WHERE body IS NOT NULL;
