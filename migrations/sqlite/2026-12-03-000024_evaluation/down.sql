DROP TABLE lecture_evaluations;
