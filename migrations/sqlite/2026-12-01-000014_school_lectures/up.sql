-- The lectures a school sees in its list — its own and the city-wide online ones it joined —
-- as one index in list order, so that a school's page costs the same on page 500 as on
-- page 1 (a union of two scopes cannot be read in order from two indexes). The triggers keep
-- it true however a lecture, its time or its participants change. Keep in step with
-- migrations/postgres.
CREATE TABLE school_lectures (
    school_id TEXT NOT NULL REFERENCES schools (id),
    sort_at TIMESTAMP NOT NULL,
    lecture_id TEXT NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    PRIMARY KEY (school_id, sort_at, lecture_id)
) WITHOUT ROWID;
CREATE INDEX school_lectures_lecture ON school_lectures (lecture_id);

INSERT INTO school_lectures (school_id, sort_at, lecture_id)
SELECT school_id, sort_at, id FROM lectures WHERE school_id IS NOT NULL;
INSERT OR IGNORE INTO school_lectures (school_id, sort_at, lecture_id)
SELECT p.school_id, l.sort_at, l.id
FROM lecture_participants p JOIN lectures l ON l.id = p.lecture_id;

CREATE TRIGGER school_lectures_own AFTER INSERT ON lectures
WHEN NEW.school_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO school_lectures (school_id, sort_at, lecture_id)
    VALUES (NEW.school_id, NEW.sort_at, NEW.id);
END;

CREATE TRIGGER school_lectures_move AFTER UPDATE OF sort_at ON lectures
WHEN NEW.sort_at <> OLD.sort_at
BEGIN
    UPDATE school_lectures SET sort_at = NEW.sort_at WHERE lecture_id = NEW.id;
END;

CREATE TRIGGER school_lectures_owner AFTER UPDATE OF school_id ON lectures
WHEN NEW.school_id IS NOT OLD.school_id
BEGIN
    DELETE FROM school_lectures
    WHERE lecture_id = NEW.id AND school_id = OLD.school_id
      AND NOT EXISTS (SELECT 1 FROM lecture_participants p
                      WHERE p.lecture_id = NEW.id AND p.school_id = OLD.school_id);
    INSERT OR IGNORE INTO school_lectures (school_id, sort_at, lecture_id)
    SELECT NEW.school_id, NEW.sort_at, NEW.id WHERE NEW.school_id IS NOT NULL;
END;

CREATE TRIGGER school_lectures_join AFTER INSERT ON lecture_participants
BEGIN
    INSERT OR IGNORE INTO school_lectures (school_id, sort_at, lecture_id)
    SELECT NEW.school_id, sort_at, id FROM lectures WHERE id = NEW.lecture_id;
END;

CREATE TRIGGER school_lectures_leave AFTER DELETE ON lecture_participants
BEGIN
    DELETE FROM school_lectures
    WHERE lecture_id = OLD.lecture_id AND school_id = OLD.school_id
      AND NOT EXISTS (SELECT 1 FROM lectures l
                      WHERE l.id = OLD.lecture_id AND l.school_id = OLD.school_id);
END;
