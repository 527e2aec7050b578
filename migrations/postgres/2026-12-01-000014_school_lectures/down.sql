DROP TRIGGER school_lectures_of_participant ON lecture_participants;
DROP FUNCTION school_lectures_of_participant();
DROP TRIGGER school_lectures_of_lecture ON lectures;
DROP FUNCTION school_lectures_of_lecture();
DROP TABLE school_lectures;
