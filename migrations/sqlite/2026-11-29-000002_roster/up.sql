-- Roster, schools and the course menu. Keep in step with migrations/postgres.

CREATE TABLE schools (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    school_type TEXT NOT NULL CHECK (school_type IN ('kindergarten', 'primary', 'junior_high', 'senior_high', 'vocational', 'university', 'other')),
    district TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_person TEXT NOT NULL,
    phone TEXT,
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE UNIQUE INDEX schools_name ON schools (name);
CREATE INDEX schools_created ON schools (created_at, id);

ALTER TABLE users ADD COLUMN school_id TEXT REFERENCES schools (id);
CREATE INDEX users_school ON users (school_id);

CREATE TABLE experts (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
    name TEXT NOT NULL,
    gender TEXT CHECK (gender IN ('male', 'female')),
    birth_year INTEGER,
    category TEXT NOT NULL CHECK (category IN ('veteran_cadre', 'veteran_soldier', 'veteran_expert', 'veteran_teacher', 'veteran_model')),
    former_post TEXT,
    former_org TEXT,
    specialties TEXT NOT NULL,
    bio TEXT NOT NULL,
    max_per_week INTEGER NOT NULL CHECK (max_per_week BETWEEN 0 AND 50),
    max_per_month INTEGER NOT NULL CHECK (max_per_month BETWEEN 0 AND 200),
    primary_team TEXT NOT NULL REFERENCES teams (code),
    status TEXT NOT NULL CHECK (status IN ('candidate', 'active', 'suspended', 'exited')),
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX experts_created ON experts (created_at, id);
CREATE INDEX experts_team ON experts (primary_team);
CREATE INDEX experts_status ON experts (status);

-- Sub-teams an expert serves besides the primary one.
CREATE TABLE expert_extra_teams (
    expert_id TEXT NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    team_code TEXT NOT NULL REFERENCES teams (code),
    PRIMARY KEY (expert_id, team_code)
);
CREATE INDEX expert_extra_teams_team ON expert_extra_teams (team_code);

CREATE TABLE expert_modes (
    expert_id TEXT NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline', 'one_on_one')),
    PRIMARY KEY (expert_id, mode)
);
CREATE INDEX expert_modes_mode ON expert_modes (mode);

CREATE TABLE expert_districts (
    expert_id TEXT NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    district TEXT NOT NULL,
    PRIMARY KEY (expert_id, district)
);
CREATE INDEX expert_districts_district ON expert_districts (district);

CREATE TABLE expert_rest_days (
    expert_id TEXT NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    PRIMARY KEY (expert_id, weekday)
);

-- 有出有进、进出有序: every membership change, append-only.
CREATE TABLE expert_status_changes (
    id TEXT PRIMARY KEY NOT NULL,
    expert_id TEXT NOT NULL REFERENCES experts (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX expert_status_changes_expert ON expert_status_changes (expert_id, at);

-- 团长 (one per team) and 副团长 (any number).
CREATE TABLE team_leads (
    team_code TEXT NOT NULL REFERENCES teams (code),
    expert_id TEXT NOT NULL REFERENCES experts (id),
    lead_role TEXT NOT NULL CHECK (lead_role IN ('lead', 'deputy')),
    since TIMESTAMP NOT NULL,
    PRIMARY KEY (team_code, expert_id)
);
CREATE UNIQUE INDEX team_leads_one_lead ON team_leads (team_code) WHERE lead_role = 'lead';
CREATE INDEX team_leads_expert ON team_leads (expert_id);

CREATE TABLE courses (
    id TEXT PRIMARY KEY NOT NULL,
    expert_id TEXT NOT NULL REFERENCES experts (id),
    team_code TEXT NOT NULL REFERENCES teams (code),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    outline TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 30 AND 240),
    max_audience INTEGER CHECK (max_audience > 0),
    status TEXT NOT NULL CHECK (status IN ('pending_review', 'approved', 'rejected', 'retired')),
    review_comment TEXT,
    reviewed_by TEXT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    search_text TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX courses_created ON courses (created_at, id);
CREATE INDEX courses_expert ON courses (expert_id);
CREATE INDEX courses_team_status ON courses (team_code, status);

CREATE TABLE course_audiences (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('students', 'parents', 'teachers')),
    PRIMARY KEY (course_id, audience)
);
CREATE INDEX course_audiences_audience ON course_audiences (audience);

CREATE TABLE course_grades (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    grade TEXT NOT NULL CHECK (grade IN ('kindergarten', 'primary_lower', 'primary_upper', 'junior_high', 'senior_high', 'vocational', 'university')),
    PRIMARY KEY (course_id, grade)
);
CREATE INDEX course_grades_grade ON course_grades (grade);

CREATE TABLE course_modes (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
    PRIMARY KEY (course_id, mode)
);
CREATE INDEX course_modes_mode ON course_modes (mode);
