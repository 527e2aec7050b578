DROP TRIGGER busy_intervals_observation_guard ON busy_intervals;
DROP FUNCTION busy_intervals_observation_guard();
DROP TRIGGER lectures_observer_holds ON lectures;
DROP FUNCTION lectures_keep_observer_holds();
DROP TRIGGER lecture_observers_hold ON lecture_observers;
DROP FUNCTION lecture_observers_keep_hold();
DELETE FROM busy_intervals WHERE source_type = 'observation';
DROP TABLE lecture_observations;
DROP TABLE lecture_observers;
