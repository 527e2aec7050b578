-- 志愿服务记录证明: an expert's service totals over a period, frozen under a serial when the
-- office issues the paper, so that whoever receives it can check it (GET /verify/{serial}).
-- Keep in step with migrations/postgres.

CREATE TABLE service_certificates (
    serial TEXT PRIMARY KEY NOT NULL,
    expert_id TEXT NOT NULL REFERENCES experts (id),
    -- The name as it was printed.
    expert_name TEXT NOT NULL,
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,
    lectures INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    beneficiaries BIGINT NOT NULL,
    observations INTEGER NOT NULL,
    issued_by TEXT NOT NULL REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL,
    CONSTRAINT service_certificates_period CHECK (to_date >= from_date),
    CONSTRAINT service_certificates_counts CHECK (
        lectures >= 0 AND minutes >= 0 AND beneficiaries >= 0 AND observations >= 0
    )
);
CREATE INDEX service_certificates_expert ON service_certificates (expert_id, issued_at);

-- What was certified stays as it was certified.
CREATE TRIGGER service_certificates_frozen BEFORE UPDATE ON service_certificates
BEGIN
    SELECT RAISE(ABORT, 'certificate_frozen: a certificate is never changed');
END;
CREATE TRIGGER service_certificates_kept BEFORE DELETE ON service_certificates
BEGIN
    SELECT RAISE(ABORT, 'certificate_frozen: a certificate is never deleted');
END;
