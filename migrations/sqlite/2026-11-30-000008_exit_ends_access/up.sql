-- An expert who has left the team (exited) no longer logs in; from now on the exit step
-- itself turns the login off. This turns off the logins of those who left before.
UPDATE users SET active = FALSE, token_version = token_version + 1
WHERE active AND id IN (SELECT user_id FROM experts WHERE status = 'exited');
