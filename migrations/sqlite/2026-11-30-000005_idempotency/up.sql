-- Idempotency-Key: a creating POST claimed by its key, then its 2xx answer kept for replay
-- (24 hours). Keep in step with the other backend's migration.
CREATE TABLE idempotency_keys (
    owner_id TEXT NOT NULL REFERENCES users (id),
    idem_key TEXT NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
    -- sha256 of method, path and body bytes.
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),
    -- While in progress: until when the claim holds (a crashed request frees it then).
    locked_until TIMESTAMP,
    response_status INTEGER,
    response_body TEXT,
    -- JSON object of the replayed headers (Location, ETag).
    response_headers TEXT,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (owner_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
