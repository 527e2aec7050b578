-- 评课 (evaluation): the school of a delivered lecture (each joined school of a city-wide
-- one) scores it once, and may edit its scores for a week. Keep in step with
-- migrations/sqlite.

CREATE TABLE lecture_evaluations (
    id TEXT PRIMARY KEY NOT NULL,
    lecture_id TEXT NOT NULL REFERENCES lectures (id),
    school_id TEXT NOT NULL REFERENCES schools (id),
    content INTEGER NOT NULL,
    delivery INTEGER NOT NULL,
    interaction INTEGER NOT NULL,
    effect INTEGER NOT NULL,
    -- 针对性: how well it fitted the school's need.
    relevance INTEGER NOT NULL,
    comment TEXT NOT NULL,
    filed_by TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT lecture_evaluations_once UNIQUE (lecture_id, school_id),
    CONSTRAINT lecture_evaluations_scores CHECK (
        content BETWEEN 1 AND 5 AND delivery BETWEEN 1 AND 5 AND interaction BETWEEN 1 AND 5
        AND effect BETWEEN 1 AND 5 AND relevance BETWEEN 1 AND 5
    )
);
CREATE INDEX lecture_evaluations_page ON lecture_evaluations (lecture_id, created_at, id);
CREATE INDEX lecture_evaluations_school ON lecture_evaluations (school_id, created_at);

-- An evaluation stays the one school's of the one lecture.
CREATE FUNCTION lecture_evaluations_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.lecture_id, NEW.school_id, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.lecture_id, OLD.school_id, OLD.created_at) THEN
        RAISE EXCEPTION 'an evaluation is edited, not moved'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_fixed';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER lecture_evaluations_fixed BEFORE UPDATE ON lecture_evaluations
    FOR EACH ROW EXECUTE FUNCTION lecture_evaluations_fixed();
