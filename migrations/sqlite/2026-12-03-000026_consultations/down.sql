DROP TABLE consultation_topics;
DROP TABLE consultations;
