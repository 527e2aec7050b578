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

UPDATE experts SET joined_extra_teams = (SELECT string_agg(team_code, char(31)) FROM expert_extra_teams WHERE expert_id = experts.id);
UPDATE experts SET joined_modes = (SELECT string_agg(mode, char(31)) FROM expert_modes WHERE expert_id = experts.id);
UPDATE experts SET joined_districts = (SELECT string_agg(district, char(31)) FROM expert_districts WHERE expert_id = experts.id);
UPDATE experts SET joined_rest_weekdays = (SELECT string_agg(CAST(weekday AS TEXT), char(31)) FROM expert_rest_days WHERE expert_id = experts.id);
UPDATE courses SET joined_audiences = (SELECT string_agg(audience, char(31)) FROM course_audiences WHERE course_id = courses.id);
UPDATE courses SET joined_grades = (SELECT string_agg(grade, char(31)) FROM course_grades WHERE course_id = courses.id);
UPDATE courses SET joined_modes = (SELECT string_agg(mode, char(31)) FROM course_modes WHERE course_id = courses.id);

CREATE TRIGGER expert_extra_teams_joined_insert AFTER INSERT ON expert_extra_teams BEGIN
    UPDATE experts SET joined_extra_teams = (SELECT string_agg(team_code, char(31)) FROM expert_extra_teams WHERE expert_id = NEW.expert_id)
    WHERE id = NEW.expert_id;
END;
CREATE TRIGGER expert_extra_teams_joined_delete AFTER DELETE ON expert_extra_teams BEGIN
    UPDATE experts SET joined_extra_teams = (SELECT string_agg(team_code, char(31)) FROM expert_extra_teams WHERE expert_id = OLD.expert_id)
    WHERE id = OLD.expert_id;
END;
CREATE TRIGGER expert_modes_joined_insert AFTER INSERT ON expert_modes BEGIN
    UPDATE experts SET joined_modes = (SELECT string_agg(mode, char(31)) FROM expert_modes WHERE expert_id = NEW.expert_id)
    WHERE id = NEW.expert_id;
END;
CREATE TRIGGER expert_modes_joined_delete AFTER DELETE ON expert_modes BEGIN
    UPDATE experts SET joined_modes = (SELECT string_agg(mode, char(31)) FROM expert_modes WHERE expert_id = OLD.expert_id)
    WHERE id = OLD.expert_id;
END;
CREATE TRIGGER expert_districts_joined_insert AFTER INSERT ON expert_districts BEGIN
    UPDATE experts SET joined_districts = (SELECT string_agg(district, char(31)) FROM expert_districts WHERE expert_id = NEW.expert_id)
    WHERE id = NEW.expert_id;
END;
CREATE TRIGGER expert_districts_joined_delete AFTER DELETE ON expert_districts BEGIN
    UPDATE experts SET joined_districts = (SELECT string_agg(district, char(31)) FROM expert_districts WHERE expert_id = OLD.expert_id)
    WHERE id = OLD.expert_id;
END;
CREATE TRIGGER expert_rest_days_joined_insert AFTER INSERT ON expert_rest_days BEGIN
    UPDATE experts SET joined_rest_weekdays = (SELECT string_agg(CAST(weekday AS TEXT), char(31)) FROM expert_rest_days WHERE expert_id = NEW.expert_id)
    WHERE id = NEW.expert_id;
END;
CREATE TRIGGER expert_rest_days_joined_delete AFTER DELETE ON expert_rest_days BEGIN
    UPDATE experts SET joined_rest_weekdays = (SELECT string_agg(CAST(weekday AS TEXT), char(31)) FROM expert_rest_days WHERE expert_id = OLD.expert_id)
    WHERE id = OLD.expert_id;
END;
CREATE TRIGGER course_audiences_joined_insert AFTER INSERT ON course_audiences BEGIN
    UPDATE courses SET joined_audiences = (SELECT string_agg(audience, char(31)) FROM course_audiences WHERE course_id = NEW.course_id)
    WHERE id = NEW.course_id;
END;
CREATE TRIGGER course_audiences_joined_delete AFTER DELETE ON course_audiences BEGIN
    UPDATE courses SET joined_audiences = (SELECT string_agg(audience, char(31)) FROM course_audiences WHERE course_id = OLD.course_id)
    WHERE id = OLD.course_id;
END;
CREATE TRIGGER course_grades_joined_insert AFTER INSERT ON course_grades BEGIN
    UPDATE courses SET joined_grades = (SELECT string_agg(grade, char(31)) FROM course_grades WHERE course_id = NEW.course_id)
    WHERE id = NEW.course_id;
END;
CREATE TRIGGER course_grades_joined_delete AFTER DELETE ON course_grades BEGIN
    UPDATE courses SET joined_grades = (SELECT string_agg(grade, char(31)) FROM course_grades WHERE course_id = OLD.course_id)
    WHERE id = OLD.course_id;
END;
CREATE TRIGGER course_modes_joined_insert AFTER INSERT ON course_modes BEGIN
    UPDATE courses SET joined_modes = (SELECT string_agg(mode, char(31)) FROM course_modes WHERE course_id = NEW.course_id)
    WHERE id = NEW.course_id;
END;
CREATE TRIGGER course_modes_joined_delete AFTER DELETE ON course_modes BEGIN
    UPDATE courses SET joined_modes = (SELECT string_agg(mode, char(31)) FROM course_modes WHERE course_id = OLD.course_id)
    WHERE id = OLD.course_id;
END;
