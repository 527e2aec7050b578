DROP TRIGGER busy_intervals_no_overlap_update;
CREATE TRIGGER busy_intervals_no_overlap_update BEFORE UPDATE OF expert_id, starts_at, ends_at ON busy_intervals
WHEN EXISTS (
    SELECT 1 FROM busy_intervals b
    WHERE b.id <> NEW.id AND b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
)
BEGIN
    SELECT RAISE(ABORT, 'busy_intervals_no_overlap: ' || (
        SELECT b.starts_at || '/' || b.ends_at FROM busy_intervals b
        WHERE b.id <> NEW.id AND b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
        ORDER BY b.starts_at LIMIT 1
    ));
END;

DROP TRIGGER busy_intervals_no_overlap_insert;
CREATE TRIGGER busy_intervals_no_overlap_insert BEFORE INSERT ON busy_intervals
WHEN EXISTS (
    SELECT 1 FROM busy_intervals b
    WHERE b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
)
BEGIN
    SELECT RAISE(ABORT, 'busy_intervals_no_overlap: ' || (
        SELECT b.starts_at || '/' || b.ends_at FROM busy_intervals b
        WHERE b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
        ORDER BY b.starts_at LIMIT 1
    ));
END;

DROP INDEX users_role;
DROP INDEX users_school;
CREATE INDEX users_school ON users (school_id);
