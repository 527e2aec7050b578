-- A changed email address asked for by its owner takes effect only when confirmed through a
-- one-time link mailed to the new address. One row per request; a newer request ends
-- (`ended_at`) the earlier open one; `confirmed_at` is when the link was used.
CREATE TABLE email_changes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    new_email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    ended_at TIMESTAMP,
    CHECK (confirmed_at IS NULL OR ended_at IS NULL)
);

CREATE INDEX email_changes_user ON email_changes (user_id, created_at);
