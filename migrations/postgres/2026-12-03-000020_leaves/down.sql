DROP TRIGGER busy_intervals_leave_guard ON busy_intervals;
DROP FUNCTION busy_intervals_leave_guard();
DELETE FROM busy_intervals WHERE source_type = 'leave';
DROP TABLE leaves;
DROP FUNCTION leaves_keep_hold();
