-- Lookups of every lecture step, each bounded by an index instead of a scan.

-- A school's accounts (told of its lectures): nearly every account (experts, the office)
-- has no school, so the planner's statistics for (school_id) said "a thousand rows a value"
-- and it walked every account in creation order instead. Without the NULLs the index says
-- what it holds, and gives the order too.
DROP INDEX users_school;
CREATE INDEX users_school ON users (school_id, created_at) WHERE school_id IS NOT NULL;

-- The office's accounts (told of requests, declines and lapsed offers), in creation order.
CREATE INDEX users_role ON users (role, created_at, id);

-- An expert's commitments never overlap one another (these triggers see to it), so among
-- those that start before a new one ends, the one that starts last also ends last: the new
-- one overlaps some commitment exactly when it overlaps that one. One index step (newest
-- first) instead of every earlier commitment of the expert. The message still names the
-- earliest commitment in the way.
DROP TRIGGER busy_intervals_no_overlap_insert;
CREATE TRIGGER busy_intervals_no_overlap_insert BEFORE INSERT ON busy_intervals
WHEN (
    SELECT b.ends_at FROM busy_intervals b
    WHERE b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at
    ORDER BY b.starts_at DESC LIMIT 1
) > NEW.starts_at
BEGIN
    SELECT RAISE(ABORT, 'busy_intervals_no_overlap: ' || (
        SELECT b.starts_at || '/' || b.ends_at FROM busy_intervals b
        WHERE b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
        ORDER BY b.starts_at LIMIT 1
    ));
END;

DROP TRIGGER busy_intervals_no_overlap_update;
CREATE TRIGGER busy_intervals_no_overlap_update BEFORE UPDATE OF expert_id, starts_at, ends_at ON busy_intervals
WHEN (
    SELECT b.ends_at FROM busy_intervals b
    WHERE b.id <> NEW.id AND b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at
    ORDER BY b.starts_at DESC LIMIT 1
) > NEW.starts_at
BEGIN
    SELECT RAISE(ABORT, 'busy_intervals_no_overlap: ' || (
        SELECT b.starts_at || '/' || b.ends_at FROM busy_intervals b
        WHERE b.id <> NEW.id AND b.expert_id = NEW.expert_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
        ORDER BY b.starts_at LIMIT 1
    ));
END;
