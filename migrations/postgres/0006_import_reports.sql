-- Import reports waiting to be shown after an upload made without JavaScript: in the database,
-- so whichever app server answers the redirect finds the report.
CREATE TABLE import_reports (
    token TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX import_reports_created ON import_reports (created_at);
