-- The delivery report (授课记录): the expert's count and summary of a given lecture, once
-- (the key refuses a second), and each joined school's own count of a city-wide online
-- lecture. Keep in step with the other backend's migration.
CREATE TABLE lecture_reports (
    lecture_id TEXT PRIMARY KEY NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    -- People in the room or online (受益人次 counts people).
    audience INTEGER NOT NULL CHECK (audience BETWEEN 0 AND 1000000),
    summary TEXT NOT NULL,
    -- Filed more than GUANAI_REPORT_DAYS after the lecture's end.
    late BOOLEAN NOT NULL,
    filed_by TEXT NOT NULL REFERENCES users (id),
    filed_at TIMESTAMP NOT NULL
);

ALTER TABLE lecture_participants ADD COLUMN audience INTEGER CHECK (audience BETWEEN 0 AND 1000000);
ALTER TABLE lecture_participants ADD COLUMN audience_at TIMESTAMP;
