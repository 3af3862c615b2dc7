-- Inserts the next version of the official gap list: source $1, $2 data
-- rows, the unmatched rows $3 (jsonb). The caller holds lock_name.sql on
-- "gap_list", so versions are numbered one import at a time.
INSERT INTO gap_list (version, source, row_count, unmatched)
SELECT COALESCE(max(version), 0) + 1, $1, $2, $3::jsonb
FROM gap_list
RETURNING id, version, imported_at
