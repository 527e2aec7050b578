-- 热线咨询: one-off answers on the hotline, the 家教良方 platform or to a walk-in visitor.
-- Counts only, nothing personal: no names, no phone numbers (the service refuses a note that
-- looks like one). The statistics count them (families served).
-- Keep in step with migrations/sqlite.

CREATE TABLE consultations (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('hotline', 'platform', 'walk_in')),
    -- When it was answered.
    at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    families INTEGER NOT NULL CHECK (families BETWEEN 1 AND 1000),
    -- The expert who answered, when one did (the office answers some itself).
    expert_id TEXT REFERENCES experts (id),
    -- The school the family belongs to, when they said.
    school_id TEXT REFERENCES schools (id),
    -- What was asked, in general terms.
    note TEXT,
    -- The topics, joined by U+001F (consultation_topics is the truth; a trigger keeps this).
    joined_topics TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
-- The office's list (newest first) and an expert's own.
CREATE INDEX consultations_at ON consultations (at, id);
CREATE INDEX consultations_expert ON consultations (expert_id, at, id);

CREATE TABLE consultation_topics (
    consultation_id TEXT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    topic TEXT NOT NULL CHECK (topic IN ('school_refusal', 'internet_addiction', 'early_romance', 'learning_difficulty', 'study_method', 'exam_anxiety', 'relationships', 'family_conflict', 'other')),
    PRIMARY KEY (consultation_id, topic)
);
CREATE INDEX consultation_topics_topic ON consultation_topics (topic);

CREATE TRIGGER consultation_topics_joined AFTER INSERT OR DELETE ON consultation_topics
    FOR EACH ROW EXECUTE FUNCTION refresh_joined_set('consultation_id', 'consultations', 'topic', 'joined_topics');
