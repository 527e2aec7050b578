DROP INDEX users_role;
DROP INDEX users_school;
CREATE INDEX users_school ON users (school_id);
