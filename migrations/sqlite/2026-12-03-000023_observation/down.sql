DROP TRIGGER busy_intervals_observation_delete;
DROP TRIGGER busy_intervals_observation_update;
DROP TRIGGER busy_intervals_observation_insert;
DROP TRIGGER lectures_observer_holds;
DELETE FROM busy_intervals WHERE source_type = 'observation';
DROP TABLE lecture_observations;
DROP TABLE lecture_observers;
