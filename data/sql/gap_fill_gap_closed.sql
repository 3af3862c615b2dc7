-- The area of the gap polygons of analysis $2 inside the covered area of
-- coverage $1, km² on the spheroid. The polygons of one analysis do not
-- overlap, so their parts add up. Uses gap_area_geom_gist for the box;
-- the covered area is clipped to each polygon's box (ST_ClipByBox2D)
-- before the exact intersection.
SELECT COALESCE(sum(ST_Area(ST_Intersection(g.geom,
           ST_CollectionExtract(ST_MakeValid(ST_ClipByBox2D(c.covered, ST_Envelope(g.geom))), 3))::geography)), 0) / 1e6
FROM coverage_result AS c
LEFT JOIN gap_area AS g ON g.analysis_id = $2 AND g.geom && c.covered
WHERE c.id = $1;
