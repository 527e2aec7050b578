DROP INDEX login_failures_login_ip;
