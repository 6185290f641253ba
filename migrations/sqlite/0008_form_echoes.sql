-- Forms posted without JavaScript that failed: the error and the entered values (secrets
-- blanked), kept for fifteen minutes for the browser that posted them, so whichever app
-- server answers the redirect can show them.
CREATE TABLE form_echoes (
    token_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    path TEXT NOT NULL,
    error TEXT NOT NULL,
    form_values TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX form_echoes_created ON form_echoes (created_at);
