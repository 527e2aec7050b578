-- 听课 (observation): experts the office or a team's lead assigns to sit in on a lecture, and
-- what each files after it. An observer's time is a commitment in busy_intervals, written,
-- moved and freed by the triggers below, so it keeps the one overlap rule with everything
-- else of theirs. Keep in step with migrations/postgres.

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
    FOREIGN KEY (lecture_id, observer_id) REFERENCES lecture_observers (lecture_id, expert_id)
);
CREATE INDEX lecture_observations_page ON lecture_observations (lecture_id, filed_at, id);
CREATE INDEX lecture_observations_observer ON lecture_observations (observer_id, filed_at);

CREATE TRIGGER lecture_observations_canonical_time BEFORE INSERT ON lecture_observations
WHEN NOT (typeof(NEW.filed_at) = 'text' AND (NEW.filed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.filed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.filed_at) <= 29 AND substr(NEW.filed_at, 21) NOT GLOB '*[^0-9]*')))
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: lecture_observations');
END;

-- An observer is assigned to one lecture for good: moved to another expert or lecture, the
-- hold would no longer say whose time it is.
CREATE TRIGGER lecture_observers_fixed BEFORE UPDATE OF id, lecture_id, expert_id ON lecture_observers
BEGIN
    SELECT RAISE(ABORT, 'observer_hold_in_step: an observer is assigned anew, not moved');
END;

-- An observer holds their time while the lecture holds its expert's (offered, confirmed, in
-- progress): the lecture's time widened by its travel buffer, as the expert's own hold.
CREATE TRIGGER lecture_observers_hold_insert AFTER INSERT ON lecture_observers
BEGIN
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    SELECT NEW.id, NEW.expert_id, 'observation', NEW.id,
           datetime(l.starts_at, printf('-%d minutes', l.travel_minutes)),
           datetime(l.ends_at, printf('+%d minutes', l.travel_minutes))
    FROM lectures l
    WHERE l.id = NEW.lecture_id AND l.state IN ('offered', 'confirmed', 'in_progress');
END;

CREATE TRIGGER lecture_observers_hold_delete AFTER DELETE ON lecture_observers
BEGIN
    DELETE FROM busy_intervals WHERE source_type = 'observation' AND source_id = OLD.id;
END;

-- The lecture moves its observers' holds with its own, and frees them with its own.
CREATE TRIGGER lectures_observer_holds AFTER UPDATE OF state, starts_at, ends_at, travel_minutes ON lectures
BEGIN
    DELETE FROM busy_intervals
    WHERE source_type = 'observation' AND NEW.state NOT IN ('offered', 'confirmed', 'in_progress')
        AND source_id IN (SELECT o.id FROM lecture_observers o WHERE o.lecture_id = NEW.id);
    UPDATE busy_intervals SET
        starts_at = datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes)),
        ends_at = datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes))
    WHERE source_type = 'observation' AND NEW.state IN ('offered', 'confirmed', 'in_progress')
        AND source_id IN (SELECT o.id FROM lecture_observers o WHERE o.lecture_id = NEW.id)
        AND (starts_at IS NOT datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes))
             OR ends_at IS NOT datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes)));
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    SELECT o.id, o.expert_id, 'observation', o.id,
           datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes)),
           datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes))
    FROM lecture_observers o
    WHERE o.lecture_id = NEW.id AND NEW.state IN ('offered', 'confirmed', 'in_progress')
        AND NOT EXISTS (
            SELECT 1 FROM busy_intervals b WHERE b.source_type = 'observation' AND b.source_id = o.id
        );
END;

-- An observer's row of busy_intervals is the assignment's: one written, moved or freed by
-- hand against it is refused.
CREATE TRIGGER busy_intervals_observation_insert BEFORE INSERT ON busy_intervals
WHEN NEW.source_type = 'observation' AND NOT EXISTS (
        SELECT 1 FROM lecture_observers o JOIN lectures l ON l.id = o.lecture_id
        WHERE o.id = NEW.source_id AND o.expert_id = NEW.expert_id
            AND l.state IN ('offered', 'confirmed', 'in_progress')
            AND NEW.starts_at = datetime(l.starts_at, printf('-%d minutes', l.travel_minutes))
            AND NEW.ends_at = datetime(l.ends_at, printf('+%d minutes', l.travel_minutes))
    )
BEGIN
    SELECT RAISE(ABORT, 'observer_hold_in_step: an observer''s hold is written by the assignment');
END;

CREATE TRIGGER busy_intervals_observation_update BEFORE UPDATE ON busy_intervals
WHEN (OLD.source_type = 'observation' OR NEW.source_type = 'observation') AND NOT (
    NEW.source_type = OLD.source_type AND NEW.source_id = OLD.source_id AND EXISTS (
        SELECT 1 FROM lecture_observers o JOIN lectures l ON l.id = o.lecture_id
        WHERE o.id = NEW.source_id AND o.expert_id = NEW.expert_id
            AND l.state IN ('offered', 'confirmed', 'in_progress')
            AND NEW.starts_at = datetime(l.starts_at, printf('-%d minutes', l.travel_minutes))
            AND NEW.ends_at = datetime(l.ends_at, printf('+%d minutes', l.travel_minutes))
    )
)
BEGIN
    SELECT RAISE(ABORT, 'observer_hold_in_step: an observer''s hold moves with the lecture');
END;

CREATE TRIGGER busy_intervals_observation_delete BEFORE DELETE ON busy_intervals
WHEN OLD.source_type = 'observation' AND EXISTS (
    SELECT 1 FROM lecture_observers o JOIN lectures l ON l.id = o.lecture_id
    WHERE o.id = OLD.source_id AND l.state IN ('offered', 'confirmed', 'in_progress')
)
BEGIN
    SELECT RAISE(ABORT, 'observer_hold_in_step: an assigned observer keeps their hold');
END;
