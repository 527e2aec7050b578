DROP TABLE service_certificates;
