-- Whether SRID $1 is in spatial_ref_sys, so that ST_Transform can use it.
SELECT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = $1)
