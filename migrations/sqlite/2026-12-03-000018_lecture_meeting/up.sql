-- An online lecture on 腾讯会议, 钉钉 or 企业微信 is joined by a meeting number (and its
-- passcode) as often as by a link. Keep in step with the other backend's migration.
ALTER TABLE lectures ADD COLUMN meeting_id TEXT;
ALTER TABLE lectures ADD COLUMN passcode TEXT;
