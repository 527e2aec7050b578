DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE login_failures;
DROP TABLE password_tokens;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE teams;
