-- The gap polygons of analysis $1, largest first.
SELECT a.id, ST_AsBinary(a.geom), a.area_km2
FROM gap_area AS a
WHERE a.analysis_id = $1
ORDER BY a.area_km2 DESC, a.id;
