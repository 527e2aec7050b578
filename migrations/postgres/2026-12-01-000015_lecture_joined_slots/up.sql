-- A lecture's proposed slots are also kept on its row (as migration 000010 keeps the sets),
-- "start/end" pairs (ISO 8601, UTC) in slot order joined by U+001F, so that a page of lectures reads no
-- slots table. lecture_slots stays the truth; the triggers keep the copy. Keep in step with
-- migrations/sqlite (whose timestamps are stored as this same text).
ALTER TABLE lectures ADD COLUMN joined_slots TEXT;

CREATE FUNCTION lecture_joined_slots(lecture TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT string_agg(
        to_char(starts_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') || '/' || to_char(ends_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        chr(31) ORDER BY idx)
    FROM lecture_slots WHERE lecture_id = lecture;
$$;

UPDATE lectures SET joined_slots = lecture_joined_slots(id);

CREATE FUNCTION refresh_lecture_joined_slots() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lecture TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        lecture := OLD.lecture_id;
    ELSE
        lecture := NEW.lecture_id;
    END IF;
    UPDATE lectures SET joined_slots = lecture_joined_slots(lecture) WHERE id = lecture;
    RETURN NULL;
END;
$$;
CREATE TRIGGER lecture_slots_joined AFTER INSERT OR DELETE ON lecture_slots
    FOR EACH ROW EXECUTE FUNCTION refresh_lecture_joined_slots();
