-- The database keeps a held lecture and its hold on the expert's time in step, and refuses
-- a time the rules compare unless it is in the one canonical form. Keep in step with
-- migrations/postgres.

-- The travel buffer a lecture's hold adds before and after it (0 online), fixed when it is
-- offered, accepted or moved: the hold is the lecture's time widened by it.
ALTER TABLE lectures ADD COLUMN travel_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (travel_minutes BETWEEN 0 AND 240);
UPDATE lectures SET travel_minutes = (
    SELECT CAST(round((julianday(lectures.starts_at) - julianday(b.starts_at)) * 1440) AS INTEGER)
    FROM busy_intervals b WHERE b.source_type = 'lecture' AND b.source_id = lectures.id
) WHERE EXISTS (
    SELECT 1 FROM busy_intervals b WHERE b.source_type = 'lecture' AND b.source_id = lectures.id
);

-- SQLite compares these times as text, which is time order only in one form:
-- 'YYYY-MM-DD HH:MM:SS' in UTC, with an optional fraction of a second (what the service
-- writes). Anything else ('2026-12-16T06:00:00', an integer) is refused, so no row can slip
-- past the overlap rule or the timers by its spelling.

CREATE TRIGGER busy_intervals_canonical_time_insert BEFORE INSERT ON busy_intervals
WHEN NOT (
    (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*')))
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: busy_intervals');
END;

CREATE TRIGGER busy_intervals_canonical_time_update BEFORE UPDATE OF starts_at, ends_at ON busy_intervals
WHEN NOT (
    (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*')))
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: busy_intervals');
END;

CREATE TRIGGER lectures_canonical_time_insert BEFORE INSERT ON lectures
WHEN NOT (
    (NEW.starts_at IS NULL OR (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*')))) AND
    (NEW.ends_at IS NULL OR (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*')))) AND
    (typeof(NEW.sort_at) = 'text' AND (NEW.sort_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.sort_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.sort_at) <= 29 AND substr(NEW.sort_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (NEW.offer_expires_at IS NULL OR (typeof(NEW.offer_expires_at) = 'text' AND (NEW.offer_expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.offer_expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.offer_expires_at) <= 29 AND substr(NEW.offer_expires_at, 21) NOT GLOB '*[^0-9]*'))))
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: lectures');
END;

CREATE TRIGGER lectures_canonical_time_update BEFORE UPDATE OF starts_at, ends_at, sort_at, offer_expires_at ON lectures
WHEN NOT (
    (NEW.starts_at IS NULL OR (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*')))) AND
    (NEW.ends_at IS NULL OR (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*')))) AND
    (typeof(NEW.sort_at) = 'text' AND (NEW.sort_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.sort_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.sort_at) <= 29 AND substr(NEW.sort_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (NEW.offer_expires_at IS NULL OR (typeof(NEW.offer_expires_at) = 'text' AND (NEW.offer_expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.offer_expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.offer_expires_at) <= 29 AND substr(NEW.offer_expires_at, 21) NOT GLOB '*[^0-9]*'))))
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: lectures');
END;

CREATE TRIGGER lecture_slots_canonical_time_insert BEFORE INSERT ON lecture_slots
WHEN NOT (
    (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*')))
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: lecture_slots');
END;

CREATE TRIGGER lecture_slots_canonical_time_update BEFORE UPDATE OF starts_at, ends_at ON lecture_slots
WHEN NOT (
    (typeof(NEW.starts_at) = 'text' AND (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.starts_at) <= 29 AND substr(NEW.starts_at, 21) NOT GLOB '*[^0-9]*'))) AND
    (typeof(NEW.ends_at) = 'text' AND (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.ends_at) <= 29 AND substr(NEW.ends_at, 21) NOT GLOB '*[^0-9]*')))
)
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: lecture_slots');
END;

-- A lecture's hold is written, moved and freed by the lecture itself: offered, confirmed
-- or in progress, it holds its expert from its start less the travel buffer to its end plus
-- the buffer; in any other state it holds nothing. An overlap is refused by the triggers of
-- busy_intervals (busy_intervals_no_overlap), inside the lecture's own write.
CREATE TRIGGER lectures_hold_insert AFTER INSERT ON lectures
WHEN NEW.state IN ('offered', 'confirmed', 'in_progress')
BEGIN
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    VALUES (NEW.id, NEW.expert_id, 'lecture', NEW.id,
            datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes)),
            datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes)));
END;

CREATE TRIGGER lectures_hold_update AFTER UPDATE OF state, expert_id, starts_at, ends_at, travel_minutes ON lectures
BEGIN
    DELETE FROM busy_intervals
    WHERE source_type = 'lecture' AND source_id = NEW.id AND NEW.state NOT IN ('offered', 'confirmed', 'in_progress');
    UPDATE busy_intervals SET
        expert_id = NEW.expert_id,
        starts_at = datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes)),
        ends_at = datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes))
    WHERE source_type = 'lecture' AND source_id = NEW.id AND NEW.state IN ('offered', 'confirmed', 'in_progress')
        AND (expert_id IS NOT NEW.expert_id
             OR starts_at IS NOT datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes))
             OR ends_at IS NOT datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes)));
    INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
    SELECT NEW.id, NEW.expert_id, 'lecture', NEW.id,
           datetime(NEW.starts_at, printf('-%d minutes', NEW.travel_minutes)),
           datetime(NEW.ends_at, printf('+%d minutes', NEW.travel_minutes))
    WHERE NEW.state IN ('offered', 'confirmed', 'in_progress') AND NOT EXISTS (
        SELECT 1 FROM busy_intervals WHERE source_type = 'lecture' AND source_id = NEW.id
    );
END;

CREATE TRIGGER lectures_hold_delete AFTER DELETE ON lectures
BEGIN
    DELETE FROM busy_intervals WHERE source_type = 'lecture' AND source_id = OLD.id;
END;

-- A lecture's row of busy_intervals is the lecture's: one written by hand that the lecture
-- does not say (no such held lecture, another expert, other times), or a change or deletion
-- of it while the lecture still holds, is refused.
CREATE TRIGGER busy_intervals_lecture_insert BEFORE INSERT ON busy_intervals
WHEN NEW.source_type = 'lecture' AND NOT EXISTS (
        SELECT 1 FROM lectures l
        WHERE l.id = NEW.source_id AND l.state IN ('offered', 'confirmed', 'in_progress') AND l.expert_id = NEW.expert_id
            AND NEW.starts_at = datetime(l.starts_at, printf('-%d minutes', l.travel_minutes))
            AND NEW.ends_at = datetime(l.ends_at, printf('+%d minutes', l.travel_minutes))
    )
BEGIN
    SELECT RAISE(ABORT, 'lecture_hold_in_step: a lecture''s hold is written by the lecture');
END;

CREATE TRIGGER busy_intervals_lecture_update BEFORE UPDATE ON busy_intervals
WHEN (OLD.source_type = 'lecture' OR NEW.source_type = 'lecture') AND NOT (
    NEW.source_type = OLD.source_type AND NEW.source_id = OLD.source_id AND EXISTS (
        SELECT 1 FROM lectures l
        WHERE l.id = NEW.source_id AND l.state IN ('offered', 'confirmed', 'in_progress') AND l.expert_id = NEW.expert_id
            AND NEW.starts_at = datetime(l.starts_at, printf('-%d minutes', l.travel_minutes))
            AND NEW.ends_at = datetime(l.ends_at, printf('+%d minutes', l.travel_minutes))
    )
)
BEGIN
    SELECT RAISE(ABORT, 'lecture_hold_in_step: a lecture''s hold moves with the lecture');
END;

CREATE TRIGGER busy_intervals_lecture_delete BEFORE DELETE ON busy_intervals
WHEN OLD.source_type = 'lecture' AND EXISTS (
    SELECT 1 FROM lectures l WHERE l.id = OLD.source_id AND l.state IN ('offered', 'confirmed', 'in_progress')
)
BEGIN
    SELECT RAISE(ABORT, 'lecture_hold_in_step: a held lecture keeps its hold');
END;
