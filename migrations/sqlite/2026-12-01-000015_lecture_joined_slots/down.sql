DROP TRIGGER lecture_slots_joined_delete;
DROP TRIGGER lecture_slots_joined_insert;
ALTER TABLE lectures DROP COLUMN joined_slots;
