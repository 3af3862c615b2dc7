-- Whether version $2 (0: the current one) of network $1 exists.
SELECT EXISTS (SELECT 1 FROM network WHERE name = $1 AND ($2::int = 0 AND current OR version = $2))
