DROP TABLE lecture_evaluations;
DROP FUNCTION lecture_evaluations_fixed();
