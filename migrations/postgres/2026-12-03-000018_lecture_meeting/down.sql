ALTER TABLE lectures DROP COLUMN passcode;
ALTER TABLE lectures DROP COLUMN meeting_id;
