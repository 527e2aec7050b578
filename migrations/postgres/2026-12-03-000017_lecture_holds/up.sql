-- The database keeps a held lecture and its hold on the expert's time in step. Keep in step
-- with migrations/sqlite (which also refuses times not in its one canonical text form; here
-- times are typed).

-- The travel buffer a lecture's hold adds before and after it (0 online), fixed when it is
-- offered, accepted or moved: the hold is the lecture's time widened by it.
ALTER TABLE lectures ADD COLUMN travel_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (travel_minutes BETWEEN 0 AND 240);
UPDATE lectures l SET travel_minutes = round(extract(epoch FROM (l.starts_at - b.starts_at)) / 60)::integer
FROM busy_intervals b WHERE b.source_type = 'lecture' AND b.source_id = l.id;

-- A lecture's hold is written, moved and freed by the lecture itself: offered, confirmed
-- or in progress, it holds its expert from its start less the travel buffer to its end plus
-- the buffer; in any other state it holds nothing. An overlap is refused by the exclusion
-- constraint (busy_intervals_no_overlap), inside the lecture's own write.
CREATE FUNCTION lectures_keep_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM busy_intervals WHERE source_type = 'lecture' AND source_id = OLD.id;
    ELSIF NEW.state IN ('offered', 'confirmed', 'in_progress') THEN
        INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at)
        VALUES (NEW.id, NEW.expert_id, 'lecture', NEW.id,
                NEW.starts_at - make_interval(mins => NEW.travel_minutes),
                NEW.ends_at + make_interval(mins => NEW.travel_minutes))
        ON CONFLICT (source_type, source_id) DO UPDATE SET
            expert_id = EXCLUDED.expert_id, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at
        WHERE (busy_intervals.expert_id, busy_intervals.starts_at, busy_intervals.ends_at)
            IS DISTINCT FROM (EXCLUDED.expert_id, EXCLUDED.starts_at, EXCLUDED.ends_at);
    ELSE
        DELETE FROM busy_intervals WHERE source_type = 'lecture' AND source_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER lectures_hold AFTER INSERT OR UPDATE OF state, expert_id, starts_at, ends_at, travel_minutes
    ON lectures FOR EACH ROW EXECUTE FUNCTION lectures_keep_hold();
CREATE TRIGGER lectures_hold_delete AFTER DELETE ON lectures
    FOR EACH ROW EXECUTE FUNCTION lectures_keep_hold();

-- A lecture's row of busy_intervals is the lecture's: one written by hand that the lecture
-- does not say (no such held lecture, another expert, other times), or a change or deletion
-- of it while the lecture still holds, is refused.
CREATE FUNCTION busy_intervals_lecture_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.source_type = 'lecture' AND EXISTS (
            SELECT 1 FROM lectures l WHERE l.id = OLD.source_id AND l.state IN ('offered', 'confirmed', 'in_progress')
        ) THEN
            RAISE EXCEPTION 'a held lecture keeps its hold'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'lecture_hold_in_step';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.source_type <> 'lecture' AND (TG_OP = 'INSERT' OR OLD.source_type <> 'lecture') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.source_type, NEW.source_id) IS DISTINCT FROM (OLD.source_type, OLD.source_id)
        OR NOT EXISTS (
            SELECT 1 FROM lectures l
            WHERE l.id = NEW.source_id AND l.state IN ('offered', 'confirmed', 'in_progress') AND l.expert_id = NEW.expert_id
                AND NEW.starts_at = l.starts_at - make_interval(mins => l.travel_minutes)
                AND NEW.ends_at = l.ends_at + make_interval(mins => l.travel_minutes)
        ) THEN
        RAISE EXCEPTION 'a lecture''s hold is written and moved by the lecture'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lecture_hold_in_step';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER busy_intervals_lecture_guard BEFORE INSERT OR UPDATE OR DELETE ON busy_intervals
    FOR EACH ROW EXECUTE FUNCTION busy_intervals_lecture_guard();
