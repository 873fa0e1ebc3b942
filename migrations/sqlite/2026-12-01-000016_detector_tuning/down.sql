ALTER TABLE claims DROP COLUMN why;
DROP TABLE detector_adjustments;
DROP TABLE detector_examples;
