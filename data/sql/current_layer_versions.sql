-- The current version of every layer name.
SELECT name, version FROM layer WHERE current
