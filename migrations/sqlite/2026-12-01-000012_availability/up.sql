-- When experts can give lectures, and the school calendar's closed periods (exam weeks,
-- holidays, term breaks). Keep in step with migrations/postgres.

-- Weekly windows in the service zone's local time. An expert without any is available on
-- every day that is not a rest day.
CREATE TABLE availability_rules (
    expert_id TEXT NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    CONSTRAINT availability_rules_order CHECK (end_time > start_time),
    PRIMARY KEY (expert_id, weekday, start_time)
);

-- Dated exceptions: a day (or part of one) available outside the rules, or blocked.
CREATE TABLE availability_exceptions (
    expert_id TEXT NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    day DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('available', 'blocked')),
    start_time TIME,
    end_time TIME,
    CONSTRAINT availability_exceptions_times CHECK ((start_time IS NULL AND end_time IS NULL) OR (start_time IS NOT NULL AND end_time IS NOT NULL AND end_time > start_time))
);
CREATE INDEX availability_exceptions_expert ON availability_exceptions (expert_id, day);

-- Periods in which schools take no lectures: for the whole city, a district, or one school.
CREATE TABLE blackouts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('city', 'district', 'school')),
    district TEXT,
    school_id TEXT REFERENCES schools (id),
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT blackouts_dates CHECK (end_date >= start_date),
    CONSTRAINT blackouts_scope CHECK (
        (scope = 'city' AND district IS NULL AND school_id IS NULL)
        OR (scope = 'district' AND district IS NOT NULL AND school_id IS NULL)
        OR (scope = 'school' AND school_id IS NOT NULL AND district IS NULL)
    )
);
CREATE INDEX blackouts_start ON blackouts (start_date, id);
CREATE INDEX blackouts_school ON blackouts (school_id);
