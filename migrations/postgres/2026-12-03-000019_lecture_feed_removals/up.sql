-- Lectures that left an expert's calendar (declined, let lapse, released, cancelled): the
-- feed keeps them 30 days as cancelled events with a raised SEQUENCE, so the calendars that
-- imported them remove them. Keep in step with the other backend's migration.
CREATE TABLE lecture_feed_removals (
    expert_id TEXT NOT NULL REFERENCES experts (id),
    lecture_id TEXT NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    sequence INTEGER NOT NULL,
    -- The time the expert's calendar had for it.
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (expert_id, lecture_id)
);
CREATE INDEX lecture_feed_removals_recent ON lecture_feed_removals (expert_id, removed_at);
