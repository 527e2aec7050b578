-- One history for every state machine (membership, course review, and the booking flows
-- after them): a row per change, ordered by a per-object sequence number, append-only.
-- Keep in step with migrations/sqlite.

CREATE TABLE state_changes (
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT,
    actor_id TEXT REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    CONSTRAINT state_changes_pkey PRIMARY KEY (object_type, object_id, seq)
);

-- Membership history moves over, numbered in the order it was written.
INSERT INTO state_changes (object_type, object_id, seq, action, from_state, to_state, reason, actor_id, at)
SELECT 'expert', expert_id,
       ROW_NUMBER() OVER (PARTITION BY expert_id ORDER BY at, id),
       CASE
           WHEN from_status IS NULL THEN 'enter'
           WHEN to_status = 'exited' THEN 'exit'
           WHEN from_status = 'candidate' AND to_status = 'active' THEN 'qualify'
           WHEN from_status = 'suspended' AND to_status = 'active' THEN 'reinstate'
           WHEN to_status = 'suspended' THEN 'suspend'
           ELSE 'readmit'
       END,
       from_status, to_status, reason, actor_id, at
FROM expert_status_changes;

-- Courses had no history: their proposal, and the review a decided course has had.
INSERT INTO state_changes (object_type, object_id, seq, action, from_state, to_state, reason, actor_id, at)
SELECT 'course', id, 1, 'propose', NULL, 'pending_review', NULL, created_by, created_at
FROM courses;
INSERT INTO state_changes (object_type, object_id, seq, action, from_state, to_state, reason, actor_id, at)
SELECT 'course', id, 2,
       CASE WHEN status = 'rejected' THEN 'reject' ELSE 'approve' END,
       'pending_review',
       CASE WHEN status = 'rejected' THEN 'rejected' ELSE 'approved' END,
       review_comment, reviewed_by, reviewed_at
FROM courses WHERE status IN ('approved', 'rejected', 'retired') AND reviewed_at IS NOT NULL;
INSERT INTO state_changes (object_type, object_id, seq, action, from_state, to_state, reason, actor_id, at)
SELECT 'course', id, 3, 'retire', 'approved', 'retired', NULL, NULL, updated_at
FROM courses WHERE status = 'retired' AND reviewed_at IS NOT NULL;

DROP TABLE expert_status_changes;

CREATE FUNCTION state_changes_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is never changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'state_changes_append_only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER state_changes_no_change BEFORE UPDATE OR DELETE ON state_changes
    FOR EACH ROW EXECUTE FUNCTION state_changes_append_only();
