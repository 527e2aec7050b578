-- 听课 (observation): experts the office or a team's lead assigns to sit in on a lecture, and
-- what each files after it. An observer's time is a commitment in busy_intervals, written,
-- moved and freed by the triggers below, so it keeps the one overlap rule with everything
-- else of theirs. Keep in step with migrations/sqlite.

CREATE TABLE lecture_observers (
    id TEXT PRIMARY KEY NOT NULL,
    lecture_id TEXT NOT NULL REFERENCES lectures (id),
    expert_id TEXT NOT NULL REFERENCES experts (id),
    assigned_by TEXT NOT NULL REFERENCES users (id),
    assigned_at TIMESTAMP NOT NULL,
    CONSTRAINT lecture_observers_once UNIQUE (lecture_id, expert_id)
);
CREATE INDEX lecture_observers_expert ON lecture_observers (expert_id, lecture_id);

-- What an assigned observer files (听课记录), once, with four scores of 1-5.
CREATE TABLE lecture_observations (
    id TEXT PRIMARY KEY NOT NULL,
    lecture_id TEXT NOT NULL,
    observer_id TEXT NOT NULL,
    content INTEGER NOT NULL,
    delivery INTEGER NOT NULL,
    interaction INTEGER NOT NULL,
    effect INTEGER NOT NULL,
    comment TEXT NOT NULL,
    filed_by TEXT NOT NULL REFERENCES users (id),
    filed_at TIMESTAMP NOT NULL,
    CONSTRAINT lecture_observations_once UNIQUE (lecture_id, observer_id),
    CONSTRAINT lecture_observations_scores CHECK (
        content BETWEEN 1 AND 5 AND delivery BETWEEN 1 AND 5
        AND interaction BETWEEN 1 AND 5 AND effect BETWEEN 1 AND 5
    ),
    -- Only an assigned observer files one.
    CONSTRAINT lecture_observations_observer FOREIGN KEY (lecture_id, observer_id)
        REFERENCES lecture_observers (lecture_id, expert_id)
);
CREATE INDEX lecture_observations_page ON lecture_observations (lecture_id, filed_at, id);
CREATE INDEX lecture_observations_observer ON lecture_observations (observer_id, filed_at);

-- An observer is assigned to one lecture for good: moved to another expert or lecture, the
-- hold would no longer say whose time it is. An observer holds their time while the lecture
-- holds its expert's (offered, confirmed, in progress): the lecture's time widened by its
-- travel buffer, as the expert's own hold.
CREATE FUNCTION lecture_observers_keep_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM busy_intervals WHERE source_type = 'observation' AND source_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'an observer is assigned anew, not moved'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'observer_hold_in_step';
    END IF;
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    SELECT NEW.id, NEW.expert_id, 'observation', NEW.id,
           l.starts_at - make_interval(mins => l.travel_minutes),
           l.ends_at + make_interval(mins => l.travel_minutes)
    FROM lectures l
    WHERE l.id = NEW.lecture_id AND l.state IN ('offered', 'confirmed', 'in_progress');
    RETURN NULL;
END $$;
CREATE TRIGGER lecture_observers_hold AFTER INSERT OR DELETE OR UPDATE OF id, lecture_id, expert_id
    ON lecture_observers FOR EACH ROW EXECUTE FUNCTION lecture_observers_keep_hold();

-- The lecture moves its observers' holds with its own, and frees them with its own.
CREATE FUNCTION lectures_keep_observer_holds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state NOT IN ('offered', 'confirmed', 'in_progress') THEN
        DELETE FROM busy_intervals
        WHERE source_type = 'observation'
            AND source_id IN (SELECT o.id FROM lecture_observers o WHERE o.lecture_id = NEW.id);
    ELSE
        INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
        SELECT o.id, o.expert_id, 'observation', o.id,
               NEW.starts_at - make_interval(mins => NEW.travel_minutes),
               NEW.ends_at + make_interval(mins => NEW.travel_minutes)
        FROM lecture_observers o WHERE o.lecture_id = NEW.id
        ON CONFLICT (source_type, source_id) DO UPDATE SET
            starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at
        WHERE (busy_intervals.starts_at, busy_intervals.ends_at)
            IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.ends_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER lectures_observer_holds AFTER UPDATE OF state, starts_at, ends_at, travel_minutes
    ON lectures FOR EACH ROW EXECUTE FUNCTION lectures_keep_observer_holds();

-- An observer's row of busy_intervals is the assignment's: one written, moved or freed by
-- hand against it is refused.
CREATE FUNCTION busy_intervals_observation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.source_type = 'observation' AND EXISTS (
            SELECT 1 FROM lecture_observers o JOIN lectures l ON l.id = o.lecture_id
            WHERE o.id = OLD.source_id AND l.state IN ('offered', 'confirmed', 'in_progress')
        ) THEN
            RAISE EXCEPTION 'an assigned observer keeps their hold'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'observer_hold_in_step';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.source_type <> 'observation' AND (TG_OP = 'INSERT' OR OLD.source_type <> 'observation') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.source_type, NEW.source_id) IS DISTINCT FROM (OLD.source_type, OLD.source_id)
        OR NOT EXISTS (
            SELECT 1 FROM lecture_observers o JOIN lectures l ON l.id = o.lecture_id
            WHERE o.id = NEW.source_id AND o.expert_id = NEW.expert_id
                AND l.state IN ('offered', 'confirmed', 'in_progress')
                AND NEW.starts_at = l.starts_at - make_interval(mins => l.travel_minutes)
                AND NEW.ends_at = l.ends_at + make_interval(mins => l.travel_minutes)
        ) THEN
        RAISE EXCEPTION 'an observer''s hold is written and moved by the assignment'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'observer_hold_in_step';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER busy_intervals_observation_guard BEFORE INSERT OR UPDATE OR DELETE ON busy_intervals
    FOR EACH ROW EXECUTE FUNCTION busy_intervals_observation_guard();
