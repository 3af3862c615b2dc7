-- The CRS of SRID $1 in spatial_ref_sys: its name and whether it is
-- projected (its numbers are metres or feet, not degrees). No row when
-- the SRID is unknown.
SELECT split_part(srtext, '"', 2), srtext LIKE 'PROJCS%'
FROM spatial_ref_sys
WHERE srid = $1
