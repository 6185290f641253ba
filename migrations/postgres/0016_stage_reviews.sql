-- 揭榜挂帅 part 2: experts giving opinions on a call's implementation — on a milestone, on the
-- final acceptance (验收), or on the call's 赛马制 mid-term review (milestone_id and task_id
-- both NULL) — and the files a team attaches to a milestone's submission.
-- Keep in step with ../sqlite/0016_stage_reviews.sql.
CREATE TABLE stage_reviews (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    task_id UUID REFERENCES tasks(id),
    milestone_id UUID REFERENCES milestones(id),
    expert_user_id UUID NOT NULL REFERENCES users(id),
    override_reason TEXT,
    assigned_by UUID NOT NULL REFERENCES users(id),
    -- pass | revise | fail (NULL before the first opinion, and on the mid-term review)
    opinion TEXT,
    comment TEXT,
    given_at TIMESTAMPTZ,
    -- the milestone submission (its submitted_at) the latest opinion answers
    answers TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK ((task_id IS NULL) = (milestone_id IS NULL))
);
CREATE UNIQUE INDEX stage_reviews_milestone ON stage_reviews(milestone_id, expert_user_id) WHERE milestone_id IS NOT NULL;
CREATE UNIQUE INDEX stage_reviews_midterm ON stage_reviews(call_id, expert_user_id) WHERE milestone_id IS NULL;
CREATE INDEX stage_reviews_expert ON stage_reviews(expert_user_id, created_at);

-- The bytes live in the file store (by SHA-256), as a bid's attachments do.
CREATE TABLE milestone_files (
    id UUID PRIMARY KEY,
    milestone_id UUID NOT NULL REFERENCES milestones(id),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    name TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    kind TEXT NOT NULL,
    uploaded_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX milestone_files_milestone ON milestone_files(milestone_id, created_at);
