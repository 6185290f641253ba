-- 揭榜挂帅 part 2: experts giving opinions on a call's implementation — on a milestone, on the
-- final acceptance (验收), or on the call's 赛马制 mid-term review (milestone_id and task_id
-- both NULL) — and the files a team attaches to a milestone's submission.
-- Keep in step with ../postgres/0016_stage_reviews.sql.
CREATE TABLE stage_reviews (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    task_id BLOB REFERENCES tasks(id),
    milestone_id BLOB REFERENCES milestones(id),
    expert_user_id BLOB NOT NULL REFERENCES users(id),
    override_reason TEXT,
    assigned_by BLOB NOT NULL REFERENCES users(id),
    -- pass | revise | fail (NULL before the first opinion, and on the mid-term review)
    opinion TEXT,
    comment TEXT,
    given_at TEXT,
    -- the milestone submission (its submitted_at) the latest opinion answers
    answers TEXT,
    created_at TEXT NOT NULL,
    CHECK ((task_id IS NULL) = (milestone_id IS NULL))
);
CREATE UNIQUE INDEX stage_reviews_milestone ON stage_reviews(milestone_id, expert_user_id) WHERE milestone_id IS NOT NULL;
CREATE UNIQUE INDEX stage_reviews_midterm ON stage_reviews(call_id, expert_user_id) WHERE milestone_id IS NULL;
CREATE INDEX stage_reviews_expert ON stage_reviews(expert_user_id, created_at);

-- The bytes live in the file store (by SHA-256), as a bid's attachments do.
CREATE TABLE milestone_files (
    id BLOB PRIMARY KEY,
    milestone_id BLOB NOT NULL REFERENCES milestones(id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    name TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    kind TEXT NOT NULL,
    uploaded_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX milestone_files_milestone ON milestone_files(milestone_id, created_at);
