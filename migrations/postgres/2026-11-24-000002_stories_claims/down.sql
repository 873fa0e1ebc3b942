DROP TABLE claims;
DROP TABLE story_topics;
DROP TABLE stories;
