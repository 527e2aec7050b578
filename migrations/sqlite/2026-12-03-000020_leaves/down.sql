DROP TRIGGER busy_intervals_leave_delete;
DROP TRIGGER busy_intervals_leave_update;
DROP TRIGGER busy_intervals_leave_insert;
DELETE FROM busy_intervals WHERE source_type = 'leave';
DROP TABLE leaves;
