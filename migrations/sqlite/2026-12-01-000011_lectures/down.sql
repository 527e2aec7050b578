DROP TRIGGER busy_intervals_no_overlap_update;
DROP TRIGGER busy_intervals_no_overlap_insert;
DROP TABLE busy_intervals;
DROP TABLE lecture_participants;
DROP TABLE lecture_refusals;
DROP TABLE lecture_slots;
DROP TABLE lectures;
