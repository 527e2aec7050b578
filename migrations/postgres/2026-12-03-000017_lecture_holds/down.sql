DROP TRIGGER busy_intervals_lecture_guard ON busy_intervals;
DROP FUNCTION busy_intervals_lecture_guard();
DROP TRIGGER lectures_hold_delete ON lectures;
DROP TRIGGER lectures_hold ON lectures;
DROP FUNCTION lectures_keep_hold();
ALTER TABLE lectures DROP COLUMN travel_minutes;
