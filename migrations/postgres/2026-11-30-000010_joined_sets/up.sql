-- Each multi-valued field is also kept on its owner's row, its values joined by U+001F (a
-- control character stored text refuses), so that a page of a list reads its rows without
-- a lookup per row and set. The set tables stay the truth and serve the filters; the
-- database keeps the copies: a trigger on each set table rewrites its owner's column when
-- a value is added or removed. NULL is the empty set.

ALTER TABLE experts ADD COLUMN joined_extra_teams TEXT;
ALTER TABLE experts ADD COLUMN joined_modes TEXT;
ALTER TABLE experts ADD COLUMN joined_districts TEXT;
ALTER TABLE experts ADD COLUMN joined_rest_weekdays TEXT;
ALTER TABLE courses ADD COLUMN joined_audiences TEXT;
ALTER TABLE courses ADD COLUMN joined_grades TEXT;
ALTER TABLE courses ADD COLUMN joined_modes TEXT;

UPDATE experts SET joined_extra_teams = (SELECT string_agg(team_code, chr(31)) FROM expert_extra_teams WHERE expert_id = experts.id);
UPDATE experts SET joined_modes = (SELECT string_agg(mode, chr(31)) FROM expert_modes WHERE expert_id = experts.id);
UPDATE experts SET joined_districts = (SELECT string_agg(district, chr(31)) FROM expert_districts WHERE expert_id = experts.id);
UPDATE experts SET joined_rest_weekdays = (SELECT string_agg(CAST(weekday AS TEXT), chr(31)) FROM expert_rest_days WHERE expert_id = experts.id);
UPDATE courses SET joined_audiences = (SELECT string_agg(audience, chr(31)) FROM course_audiences WHERE course_id = courses.id);
UPDATE courses SET joined_grades = (SELECT string_agg(grade, chr(31)) FROM course_grades WHERE course_id = courses.id);
UPDATE courses SET joined_modes = (SELECT string_agg(mode, chr(31)) FROM course_modes WHERE course_id = courses.id);

-- One function for every set table: (owner column, owner table, value expression, column).
CREATE FUNCTION refresh_joined_set() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner_id TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        owner_id := to_jsonb(OLD) ->> TG_ARGV[0];
    ELSE
        owner_id := to_jsonb(NEW) ->> TG_ARGV[0];
    END IF;
    EXECUTE format(
        'UPDATE %I SET %I = (SELECT string_agg(%s, chr(31)) FROM %I WHERE %I = $1) WHERE id = $1',
        TG_ARGV[1], TG_ARGV[3], TG_ARGV[2], TG_TABLE_NAME, TG_ARGV[0]
    ) USING owner_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER expert_extra_teams_joined AFTER INSERT OR DELETE ON expert_extra_teams
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('expert_id', 'experts', 'team_code', 'joined_extra_teams');
CREATE TRIGGER expert_modes_joined AFTER INSERT OR DELETE ON expert_modes
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('expert_id', 'experts', 'mode', 'joined_modes');
CREATE TRIGGER expert_districts_joined AFTER INSERT OR DELETE ON expert_districts
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('expert_id', 'experts', 'district', 'joined_districts');
CREATE TRIGGER expert_rest_days_joined AFTER INSERT OR DELETE ON expert_rest_days
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('expert_id', 'experts', 'CAST(weekday AS TEXT)', 'joined_rest_weekdays');
CREATE TRIGGER course_audiences_joined AFTER INSERT OR DELETE ON course_audiences
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('course_id', 'courses', 'audience', 'joined_audiences');
CREATE TRIGGER course_grades_joined AFTER INSERT OR DELETE ON course_grades
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('course_id', 'courses', 'grade', 'joined_grades');
CREATE TRIGGER course_modes_joined AFTER INSERT OR DELETE ON course_modes
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('course_id', 'courses', 'mode', 'joined_modes');
