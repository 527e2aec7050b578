-- The job runner's schedule: one row per named periodic job. An instance runs a job only
-- after moving `next_due_at` on with a compare-and-set, so each due time runs once however
-- many instances share the database. Keep in step with the other backend's migration.
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY NOT NULL,
    next_due_at TIMESTAMP NOT NULL,
    -- Set while an instance runs the job; a crashed run frees it when this passes.
    locked_until TIMESTAMP,
    last_started_at TIMESTAMP,
    last_finished_at TIMESTAMP,
    last_error TEXT,
    runs INTEGER NOT NULL DEFAULT 0 CHECK (runs >= 0)
);
