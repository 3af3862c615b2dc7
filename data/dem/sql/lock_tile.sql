-- Serialises the imports of the same tile ($1, "dem:DATASET/TILE") until
-- the end of the transaction.
SELECT pg_advisory_xact_lock(hashtextextended($1, 0))
