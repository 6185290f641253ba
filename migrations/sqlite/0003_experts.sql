-- Expert pool (专家库): one profile per user with the expert role. Keep in step with
-- ../postgres/0003_experts.sql.
CREATE TABLE expert_profiles (
    user_id BLOB PRIMARY KEY REFERENCES users(id),
    title TEXT NOT NULL,
    fields TEXT NOT NULL,
    keywords TEXT NOT NULL,
    bio TEXT NOT NULL,
    accepts_review BOOLEAN NOT NULL,
    -- Shown in the public directory and search only when the expert says so.
    is_public BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
);
