-- Leave (请假制度): an expert's absence over whole local days, asked for and approved, or
-- recorded by the office. Approved leave holds the expert's time in busy_intervals, written
-- and freed by the leave's own triggers, so nothing lands inside it. Keep in step with
-- migrations/postgres.

CREATE TABLE leaves (
    id TEXT PRIMARY KEY NOT NULL,
    expert_id TEXT NOT NULL REFERENCES experts (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
    -- The first and the last day away (local dates in the service zone, both inclusive).
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    -- The same days as UTC instants: local midnight of the first day, and of the day after
    -- the last. What the hold covers.
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    -- Who approved or rejected it, when, and the rejection's reason.
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_reason TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT leaves_dates CHECK (end_date >= start_date),
    CONSTRAINT leaves_time_order CHECK (ends_at > starts_at)
);
CREATE INDEX leaves_start ON leaves (start_date, id);
CREATE INDEX leaves_expert ON leaves (expert_id, start_date, id);
CREATE INDEX leaves_state ON leaves (state, start_date, id);

CREATE TRIGGER leaves_canonical_time_insert BEFORE INSERT ON leaves
WHEN NOT (
    (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.start_date) = 'text' AND NEW.start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]') AND
    (typeof(NEW.end_date) = 'text' AND NEW.end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: leaves');
END;

CREATE TRIGGER leaves_canonical_time_update BEFORE UPDATE OF starts_at, ends_at, start_date, end_date ON leaves
WHEN NOT (
    (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.start_date) = 'text' AND NEW.start_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]') AND
    (typeof(NEW.end_date) = 'text' AND NEW.end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: leaves');
END;

-- An approved leave holds its expert from its first local midnight to the one after its
-- last day; in any other state it holds nothing. An overlap with another commitment is
-- refused by the triggers of busy_intervals (busy_intervals_no_overlap), inside the
-- leave's own write.
CREATE TRIGGER leaves_hold_insert AFTER INSERT ON leaves
WHEN NEW.state = 'approved'
BEGIN
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    VALUES (NEW.id, NEW.expert_id, 'leave', NEW.id, NEW.starts_at, NEW.ends_at);
END;

CREATE TRIGGER leaves_hold_update AFTER UPDATE OF state, expert_id, starts_at, ends_at ON leaves
BEGIN
    DELETE FROM busy_intervals
    WHERE source_type = 'leave' AND source_id = NEW.id AND NEW.state <> 'approved';
    UPDATE busy_intervals SET expert_id = NEW.expert_id, starts_at = NEW.starts_at, ends_at = NEW.ends_at
    WHERE source_type = 'leave' AND source_id = NEW.id AND NEW.state = 'approved'
        AND (expert_id IS NOT NEW.expert_id OR starts_at IS NOT NEW.starts_at OR ends_at IS NOT NEW.ends_at);
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    SELECT NEW.id, NEW.expert_id, 'leave', NEW.id, NEW.starts_at, NEW.ends_at
    WHERE NEW.state = 'approved' AND NOT EXISTS (
        SELECT 1 FROM busy_intervals WHERE source_type = 'leave' AND source_id = NEW.id
    );
END;

CREATE TRIGGER leaves_hold_delete AFTER DELETE ON leaves
BEGIN
    DELETE FROM busy_intervals WHERE source_type = 'leave' AND source_id = OLD.id;
END;

-- A leave's row of busy_intervals is the leave's: one written, moved or freed by hand
-- against its approved leave is refused.
CREATE TRIGGER busy_intervals_leave_insert BEFORE INSERT ON busy_intervals
WHEN NEW.source_type = 'leave' AND NOT EXISTS (
        SELECT 1 FROM leaves v
        WHERE v.id = NEW.source_id AND v.state = 'approved' AND v.expert_id = NEW.expert_id
            AND NEW.starts_at = v.starts_at AND NEW.ends_at = v.ends_at
    )
BEGIN
    SELECT RAISE(ABORT, 'leave_hold_in_step: a leave''s hold is written by the leave');
END;

CREATE TRIGGER busy_intervals_leave_update BEFORE UPDATE ON busy_intervals
WHEN (OLD.source_type = 'leave' OR NEW.source_type = 'leave') AND NOT (
    NEW.source_type = OLD.source_type AND NEW.source_id = OLD.source_id AND EXISTS (
        SELECT 1 FROM leaves v
        WHERE v.id = NEW.source_id AND v.state = 'approved' AND v.expert_id = NEW.expert_id
            AND NEW.starts_at = v.starts_at AND NEW.ends_at = v.ends_at
    )
)
BEGIN
    SELECT RAISE(ABORT, 'leave_hold_in_step: a leave''s hold moves with the leave');
END;

CREATE TRIGGER busy_intervals_leave_delete BEFORE DELETE ON busy_intervals
WHEN OLD.source_type = 'leave' AND EXISTS (
    SELECT 1 FROM leaves v WHERE v.id = OLD.source_id AND v.state = 'approved'
)
BEGIN
    SELECT RAISE(ABORT, 'leave_hold_in_step: an approved leave keeps its hold');
END;
