DROP TABLE lecture_feed_removals;
