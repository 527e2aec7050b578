-- Leave (请假制度): an expert's absence over whole local days, asked for and approved, or
-- recorded by the office. Approved leave holds the expert's time in busy_intervals, written
-- and freed by the leave's own triggers, so nothing lands inside it. Keep in step with
-- migrations/sqlite.

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

-- An approved leave holds its expert from its first local midnight to the one after its
-- last day; in any other state it holds nothing. An overlap with another commitment is
-- refused by the exclusion constraint (busy_intervals_no_overlap), inside the leave's own
-- write.
CREATE FUNCTION leaves_keep_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM busy_intervals WHERE source_type = 'leave' AND source_id = OLD.id;
    ELSIF NEW.state = 'approved' THEN
        INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
        VALUES (NEW.id, NEW.expert_id, 'leave', NEW.id, NEW.starts_at, NEW.ends_at)
        ON CONFLICT (source_type, source_id) DO UPDATE SET
            expert_id = EXCLUDED.expert_id, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at
        WHERE (busy_intervals.expert_id, busy_intervals.starts_at, busy_intervals.ends_at)
            IS DISTINCT FROM (EXCLUDED.expert_id, EXCLUDED.starts_at, EXCLUDED.ends_at);
    ELSE
        DELETE FROM busy_intervals WHERE source_type = 'leave' AND source_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER leaves_hold AFTER INSERT OR UPDATE OF state, expert_id, starts_at, ends_at
    ON leaves FOR EACH ROW EXECUTE FUNCTION leaves_keep_hold();
CREATE TRIGGER leaves_hold_delete AFTER DELETE ON leaves
    FOR EACH ROW EXECUTE FUNCTION leaves_keep_hold();

-- A leave's row of busy_intervals is the leave's: one written, moved or freed by hand
-- against its approved leave is refused.
CREATE FUNCTION busy_intervals_leave_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.source_type = 'leave' AND EXISTS (
            SELECT 1 FROM leaves v WHERE v.id = OLD.source_id AND v.state = 'approved'
        ) THEN
            RAISE EXCEPTION 'an approved leave keeps its hold'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'leave_hold_in_step';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.source_type <> 'leave' AND (TG_OP = 'INSERT' OR OLD.source_type <> 'leave') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.source_type, NEW.source_id) IS DISTINCT FROM (OLD.source_type, OLD.source_id)
        OR NOT EXISTS (
            SELECT 1 FROM leaves v
            WHERE v.id = NEW.source_id AND v.state = 'approved' AND v.expert_id = NEW.expert_id
                AND NEW.starts_at = v.starts_at AND NEW.ends_at = v.ends_at
        ) THEN
        RAISE EXCEPTION 'a leave''s hold is written and moved by the leave'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'leave_hold_in_step';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER busy_intervals_leave_guard BEFORE INSERT OR UPDATE OR DELETE ON busy_intervals
    FOR EACH ROW EXECUTE FUNCTION busy_intervals_leave_guard();
