-- Rate limits shared by every app server: one row per counted attempt, under the SHA-256 of
-- what is counted (an account, an address, a pair of them), never the value itself. Rows whose
-- window has passed are purged by the server's ticker. Keep in step with
-- ../postgres/0018_rate_hits.sql.
CREATE TABLE rate_hits (
    id BLOB PRIMARY KEY,
    key TEXT NOT NULL,
    -- unix microseconds
    at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX rate_hits_key ON rate_hits(key, at);
CREATE INDEX rate_hits_expiry ON rate_hits(expires_at);
