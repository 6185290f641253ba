-- 揭榜挂帅 part 2: the task contract (立项 / 任务书) of each winner, its milestones with their
-- payment tranches, and the 赛马制 mid-term decisions. Keep in step with
-- ../postgres/0015_tasks.sql.
CREATE TABLE tasks (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    bid_id BLOB NOT NULL UNIQUE REFERENCES bids(id),
    org_id BLOB NOT NULL REFERENCES organizations(id),
    lead_user_id BLOB NOT NULL REFERENCES users(id),
    starts_on TEXT NOT NULL,
    city_fund_fen INTEGER NOT NULL CHECK (city_fund_fen >= 0),
    enterprise_fund_fen INTEGER NOT NULL CHECK (enterprise_fund_fen >= 0),
    -- JSON: [{name, unit, target}]
    indicators TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tasks_call ON tasks(call_id, created_at);

CREATE TABLE milestones (
    id BLOB PRIMARY KEY,
    task_id BLOB NOT NULL REFERENCES tasks(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    -- start | regular | final
    kind TEXT NOT NULL,
    deliverable TEXT NOT NULL,
    due_on TEXT NOT NULL,
    tranche_fen INTEGER NOT NULL CHECK (tranche_fen >= 0),
    status TEXT NOT NULL,
    status_reason TEXT,
    report TEXT,
    -- JSON: the reached value of each indicator of the task, in order (null when blank)
    indicator_values TEXT NOT NULL DEFAULT '[]',
    submitted_at TEXT,
    submitted_by BLOB REFERENCES users(id),
    decided_at TEXT,
    decided_by BLOB REFERENCES users(id),
    paid_at TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (task_id, seq)
);
CREATE INDEX milestones_due ON milestones(status, due_on);

CREATE TABLE midterm_decisions (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    task_id BLOB NOT NULL REFERENCES tasks(id),
    decision TEXT NOT NULL CHECK (decision IN ('continue', 'cut', 'merge')),
    merge_into BLOB REFERENCES tasks(id),
    extra_fen INTEGER NOT NULL DEFAULT 0 CHECK (extra_fen >= 0),
    reason TEXT NOT NULL,
    decided_by BLOB NOT NULL REFERENCES users(id),
    decided_at TEXT NOT NULL
);
CREATE INDEX midterm_decisions_call ON midterm_decisions(call_id, decided_at);

-- 突破关键技术: set at the final acceptance; feeds the plan's task-5 target.
ALTER TABLE calls ADD COLUMN breakthrough INTEGER NOT NULL DEFAULT 0;
