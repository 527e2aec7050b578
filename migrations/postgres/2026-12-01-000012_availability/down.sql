DROP TABLE blackouts;
DROP TABLE availability_exceptions;
DROP TABLE availability_rules;
