DROP TRIGGER lecture_slots_joined ON lecture_slots;
DROP FUNCTION refresh_lecture_joined_slots();
DROP FUNCTION lecture_joined_slots(TEXT);
ALTER TABLE lectures DROP COLUMN joined_slots;
