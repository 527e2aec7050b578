-- Lectures (约课 and 派课, online and on-site) and the one table of every expert's busy
-- intervals, which never overlap. Keep in step with migrations/sqlite.

CREATE TABLE lectures (
    id TEXT PRIMARY KEY NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('booking', 'dispatch')),
    -- Every state of the life cycle (DESIGN.md §4), the later ones included, so that the
    -- check needs no table rebuild when they are built.
    state TEXT NOT NULL CHECK (state IN ('requested', 'offered', 'confirmed', 'needs_reassignment', 'in_progress', 'delivered', 'closed', 'no_show', 'rejected', 'cancelled', 'expired')),
    team_code TEXT NOT NULL REFERENCES teams (code),
    course_id TEXT REFERENCES courses (id),
    topic TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
    -- Course vocabulary, values joined by U+001F as the joined set copies are.
    audiences TEXT NOT NULL,
    grade_bands TEXT,
    expected_size INTEGER NOT NULL CHECK (expected_size BETWEEN 1 AND 100000),
    school_id TEXT REFERENCES schools (id),
    -- The chosen time, once there is one.
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    -- The chosen start, or before one is chosen the earliest proposed slot: the list order.
    sort_at TIMESTAMP NOT NULL,
    -- The expert the lecture is offered to or held by.
    expert_id TEXT REFERENCES experts (id),
    offer_expires_at TIMESTAMP,
    address TEXT,
    platform TEXT,
    link TEXT,
    note TEXT,
    -- iCalendar SEQUENCE: raised each time the lecture's time moves.
    sequence INTEGER NOT NULL DEFAULT 0,
    reminded_at TIMESTAMP,
    created_by TEXT REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT lectures_time_order CHECK (ends_at > starts_at),
    CONSTRAINT lectures_offline_school CHECK (mode = 'online' OR school_id IS NOT NULL),
    CONSTRAINT lectures_held_by_expert CHECK (state NOT IN ('offered', 'confirmed') OR (expert_id IS NOT NULL AND starts_at IS NOT NULL))
);
CREATE INDEX lectures_sort ON lectures (sort_at, id);
CREATE INDEX lectures_school ON lectures (school_id, sort_at, id);
CREATE INDEX lectures_expert ON lectures (expert_id, sort_at, id);
CREATE INDEX lectures_state ON lectures (state, sort_at, id);
CREATE INDEX lectures_team ON lectures (team_code, sort_at, id);

-- The one to three times a school proposed (one for a dispatch).
CREATE TABLE lecture_slots (
    lecture_id TEXT NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 2),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    PRIMARY KEY (lecture_id, idx),
    CONSTRAINT lecture_slots_order CHECK (ends_at > starts_at)
);

-- Experts who declined a lecture or let its offer lapse: it is not offered to them again
-- unless an admin gives a reason.
CREATE TABLE lecture_refusals (
    lecture_id TEXT NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    expert_id TEXT NOT NULL REFERENCES experts (id),
    kind TEXT NOT NULL CHECK (kind IN ('declined', 'lapsed')),
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (lecture_id, expert_id)
);

-- Schools that joined a city-wide online lecture.
CREATE TABLE lecture_participants (
    lecture_id TEXT NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    school_id TEXT NOT NULL REFERENCES schools (id),
    expected_size INTEGER NOT NULL CHECK (expected_size BETWEEN 1 AND 100000),
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (lecture_id, school_id)
);
CREATE INDEX lecture_participants_school ON lecture_participants (school_id);

-- Every commitment of an expert's time (lectures offered, confirmed or in progress; later
-- case sessions, observations and approved leave), with an offline lecture's travel buffer
-- included. Released commitments are deleted. Two rows of one expert never overlap;
-- touching rows do not overlap.
CREATE TABLE busy_intervals (
    id TEXT PRIMARY KEY NOT NULL,
    expert_id TEXT NOT NULL REFERENCES experts (id),
    source_type TEXT NOT NULL CHECK (source_type IN ('lecture', 'case_session', 'observation', 'leave')),
    source_id TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    CONSTRAINT busy_intervals_order CHECK (ends_at > starts_at),
    CONSTRAINT busy_intervals_source UNIQUE (source_type, source_id)
);
CREATE INDEX busy_intervals_expert ON busy_intervals (expert_id, starts_at);

-- The database refuses an overlap itself, whichever instance writes.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE busy_intervals ADD CONSTRAINT busy_intervals_no_overlap
    EXCLUDE USING gist (expert_id WITH =, tsrange(starts_at, ends_at, '[)') WITH &&);
