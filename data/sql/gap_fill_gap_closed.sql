-- The area of the gap polygons of analysis $2 inside the covered area of
-- coverage $1, km² on the spheroid. The polygons of one analysis do not
-- overlap, so their parts add up. Uses gap_area_geom_gist for the box.
SELECT COALESCE(sum(ST_Area(ST_Intersection(g.geom, c.covered)::geography)), 0) / 1e6
FROM coverage_result AS c
LEFT JOIN gap_area AS g ON g.analysis_id = $2 AND g.geom && c.covered
WHERE c.id = $1;
