-- 评课 (evaluation): the school of a delivered lecture (each joined school of a city-wide
-- one) scores it once, and may edit its scores for a week. Keep in step with
-- migrations/postgres.

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

CREATE TRIGGER lecture_evaluations_canonical_time BEFORE INSERT ON lecture_evaluations
WHEN NOT (typeof(NEW.created_at) = 'text' AND (NEW.created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR (NEW.created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9]*' AND length(NEW.created_at) <= 29 AND substr(NEW.created_at, 21) NOT GLOB '*[^0-9]*')))
BEGIN
    SELECT RAISE(ABORT, 'time_not_canonical: lecture_evaluations');
END;

-- An evaluation stays the one school's of the one lecture.
CREATE TRIGGER lecture_evaluations_fixed BEFORE UPDATE OF id, lecture_id, school_id, created_at ON lecture_evaluations
BEGIN
    SELECT RAISE(ABORT, 'evaluation_fixed: an evaluation is edited, not moved');
END;
