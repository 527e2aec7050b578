-- A lecture's proposed slots are also kept on its row (as migration 000010 keeps the sets),
-- "start/end" pairs (ISO 8601, UTC) in slot order joined by U+001F, so that a page of lectures reads no
-- slots table. lecture_slots stays the truth; the triggers keep the copy. Keep in step with
-- migrations/postgres.
ALTER TABLE lectures ADD COLUMN joined_slots TEXT;

UPDATE lectures SET joined_slots = (
    SELECT string_agg(replace(starts_at, ' ', 'T') || '/' || replace(ends_at, ' ', 'T'), char(31) ORDER BY idx)
    FROM lecture_slots WHERE lecture_id = lectures.id);

CREATE TRIGGER lecture_slots_joined_insert AFTER INSERT ON lecture_slots BEGIN
    UPDATE lectures SET joined_slots = (
        SELECT string_agg(replace(starts_at, ' ', 'T') || '/' || replace(ends_at, ' ', 'T'), char(31) ORDER BY idx)
        FROM lecture_slots WHERE lecture_id = NEW.lecture_id)
    WHERE id = NEW.lecture_id;
END;
CREATE TRIGGER lecture_slots_joined_delete AFTER DELETE ON lecture_slots BEGIN
    UPDATE lectures SET joined_slots = (
        SELECT string_agg(replace(starts_at, ' ', 'T') || '/' || replace(ends_at, ' ', 'T'), char(31) ORDER BY idx)
        FROM lecture_slots WHERE lecture_id = OLD.lecture_id)
    WHERE id = OLD.lecture_id;
END;
