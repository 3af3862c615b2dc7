-- Whether layer version $1 exists.
SELECT EXISTS (SELECT 1 FROM layer WHERE id = $1)
