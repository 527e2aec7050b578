ALTER TABLE lecture_participants DROP COLUMN audience_at;
ALTER TABLE lecture_participants DROP COLUMN audience;
DROP TABLE lecture_reports;
