-- 揭榜挂帅 part 2: the task contract (立项 / 任务书) of each winner, its milestones with their
-- payment tranches, and the 赛马制 mid-term decisions. Keep in step with
-- ../sqlite/0015_tasks.sql.
CREATE TABLE tasks (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    bid_id UUID NOT NULL UNIQUE REFERENCES bids(id),
    org_id UUID NOT NULL REFERENCES organizations(id),
    lead_user_id UUID NOT NULL REFERENCES users(id),
    starts_on DATE NOT NULL,
    city_fund_fen BIGINT NOT NULL CHECK (city_fund_fen >= 0),
    enterprise_fund_fen BIGINT NOT NULL CHECK (enterprise_fund_fen >= 0),
    -- JSON: [{name, unit, target}]
    indicators TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    created_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tasks_call ON tasks(call_id, created_at);

CREATE TABLE milestones (
    id UUID PRIMARY KEY,
    task_id UUID NOT NULL REFERENCES tasks(id),
    seq BIGINT NOT NULL CHECK (seq >= 0),
    -- start | regular | final
    kind TEXT NOT NULL,
    deliverable TEXT NOT NULL,
    due_on DATE NOT NULL,
    tranche_fen BIGINT NOT NULL CHECK (tranche_fen >= 0),
    status TEXT NOT NULL,
    status_reason TEXT,
    report TEXT,
    -- JSON: the reached value of each indicator of the task, in order (null when blank)
    indicator_values TEXT NOT NULL DEFAULT '[]',
    submitted_at TIMESTAMPTZ,
    submitted_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    decided_by UUID REFERENCES users(id),
    paid_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (task_id, seq)
);
CREATE INDEX milestones_due ON milestones(status, due_on);

CREATE TABLE midterm_decisions (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    task_id UUID NOT NULL REFERENCES tasks(id),
    decision TEXT NOT NULL CHECK (decision IN ('continue', 'cut', 'merge')),
    merge_into UUID REFERENCES tasks(id),
    extra_fen BIGINT NOT NULL DEFAULT 0 CHECK (extra_fen >= 0),
    reason TEXT NOT NULL,
    decided_by UUID NOT NULL REFERENCES users(id),
    decided_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX midterm_decisions_call ON midterm_decisions(call_id, decided_at);

-- 突破关键技术: set at the final acceptance; feeds the plan's task-5 target.
ALTER TABLE calls ADD COLUMN breakthrough BOOLEAN NOT NULL DEFAULT FALSE;
