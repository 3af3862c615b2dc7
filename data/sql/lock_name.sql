-- Serialises the transactions that write the same name ($1, prefixed with
-- what it names), until the end of the transaction.
SELECT pg_advisory_xact_lock(hashtextextended($1, 0))
