-- Failed logins are counted per account and client address together (the lock-out that
-- one attacker cannot turn against the real owner), so that pair gets its own index.
CREATE INDEX login_failures_login_ip ON login_failures (login, ip, at);
