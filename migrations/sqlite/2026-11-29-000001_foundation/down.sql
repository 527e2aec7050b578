DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TABLE audit_events;
DROP TABLE login_failures;
DROP TABLE password_tokens;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE teams;
