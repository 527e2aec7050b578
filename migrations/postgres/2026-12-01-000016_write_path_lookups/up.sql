-- Lookups of every lecture step, each bounded by an index (as on SQLite; overlaps are the
-- exclusion constraint's, already an index).

-- A school's accounts (told of its lectures), in creation order; most accounts have none.
DROP INDEX users_school;
CREATE INDEX users_school ON users (school_id, created_at) WHERE school_id IS NOT NULL;

-- The office's accounts (told of requests, declines and lapsed offers), in creation order.
CREATE INDEX users_role ON users (role, created_at, id);
