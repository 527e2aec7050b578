-- Each expert's calendar feed token (stored hashed; rotating it replaces the row). Keep in
-- step with migrations/postgres.
CREATE TABLE calendar_tokens (
    expert_id TEXT PRIMARY KEY NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
