DROP TABLE service_certificates;
DROP FUNCTION service_certificates_frozen();
