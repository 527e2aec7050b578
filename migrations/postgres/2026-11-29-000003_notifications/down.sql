DROP TABLE rate_events;
DROP TABLE notifications;
