DROP TRIGGER school_lectures_leave;
DROP TRIGGER school_lectures_join;
DROP TRIGGER school_lectures_owner;
DROP TRIGGER school_lectures_move;
DROP TRIGGER school_lectures_own;
DROP TABLE school_lectures;
