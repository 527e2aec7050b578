-- Attendance (签到 / 签退): a confirmed lecture's check-in key, and when its expert checked
-- in and out. One row per lecture, made when it is confirmed. Keep in step with the other
-- backend's migration.
CREATE TABLE lecture_attendance (
    lecture_id TEXT PRIMARY KEY NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    -- The lecture's own key for its six-digit check-in codes (hex; RFC 6238 over 5 minutes).
    code_secret TEXT NOT NULL,
    checked_in_at TIMESTAMP,
    -- Checked in more than GUANAI_LATE_MINUTES after the start.
    late BOOLEAN,
    -- The office checked the expert in without a code (or corrected a no-show): why.
    check_in_reason TEXT,
    checked_out_at TIMESTAMP,
    -- Check-in to check-out, capped at the planned length plus 30.
    delivered_minutes INTEGER CHECK (delivered_minutes BETWEEN 0 AND 1440),
    -- Checked out by the service an hour after the end, at the planned end.
    auto_checked_out BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT lecture_attendance_order CHECK (checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at >= checked_in_at))
);
-- Lectures confirmed before this migration get their key now.
INSERT INTO lecture_attendance (lecture_id, code_secret)
SELECT id, lower(hex(randomblob(20))) FROM lectures WHERE state = 'confirmed';
