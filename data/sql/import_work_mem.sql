-- Gives the import's INSERT…SELECT room to keep its staged geometries in
-- memory, for this transaction only.
SET LOCAL work_mem = '256MB'
