-- Notifications: the in-app inbox and the mail outbox in one row, written in the same
-- transaction as the change that causes it. Keep in step with migrations/sqlite.

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    -- Template data as JSON (never secrets: tokens go into email_body only).
    data TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- What the inbox shows.
    body TEXT NOT NULL,
    -- What the mail says; may carry a one-time link, so it is erased once delivered or dead.
    email_body TEXT,
    -- Recipient address when written; null means in-app only.
    email_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead', 'in_app')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_inbox ON notifications (user_id, created_at, id);

-- Counted events for rate limits other than logins (e.g. password-reset requests).
CREATE TABLE rate_events (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);

CREATE INDEX rate_events_lookup ON rate_events (kind, subject, at);
CREATE INDEX rate_events_at ON rate_events (at);
