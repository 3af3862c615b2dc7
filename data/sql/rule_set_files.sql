-- The text of rule set version $1, its files in order.
SELECT name, body FROM rule_set_file WHERE version = $1 ORDER BY ordinal
