DROP TABLE lecture_attendance;
