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

INSERT INTO expert_status_changes (id, expert_id, from_status, to_status, reason, actor_id, at)
SELECT object_id || '-' || CAST(seq AS TEXT), object_id, from_state, to_state, COALESCE(reason, ''), actor_id, at
FROM state_changes WHERE object_type = 'expert';

DROP TRIGGER state_changes_no_update;
DROP TRIGGER state_changes_no_delete;
DROP TABLE state_changes;
