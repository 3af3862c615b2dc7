-- Zones of the current layer versions (of the kinds $4; all kinds when $4
-- is empty) within $3 m of the site: its point $1 and, when $2 is not NULL,
-- its footprint $2 (EWKB, EPSG:4326). Every measure is on geography (the
-- spheroid): distances in metres, 0 when inside or touching, and the area
-- of the footprint inside the zone in square metres.
--
-- The query geometry is cast to geography once, in q, and the column is
-- cast as the index is written, so ST_DWithin(z.geom::geography, ...) is
-- answered by the GiST index zone_geog_gist.
WITH q AS MATERIALIZED (
    SELECT s.p::geography AS pt,
           s.f AS fp,
           s.f::geography AS fpg,
           (CASE WHEN s.f IS NULL THEN s.p ELSE ST_Collect(s.p, s.f) END)::geography AS search
    FROM (SELECT ST_GeomFromEWKB($1) AS p, ST_GeomFromEWKB($2) AS f) AS s
)
SELECT z.id, l.name, l.kind, l.version, z.category, z.name,
       d.distance_m,
       CASE WHEN q.fpg IS NULL THEN d.distance_m
            ELSE ST_Distance(z.geom::geography, q.fpg) END AS footprint_distance_m,
       CASE WHEN q.fp IS NULL OR NOT ST_Intersects(z.geom, q.fp) THEN 0
            ELSE ST_Area(ST_Intersection(z.geom, q.fp)::geography) END AS footprint_overlap_m2
FROM q
JOIN zone AS z ON ST_DWithin(z.geom::geography, q.search, $3)
JOIN layer AS l ON l.id = z.layer_id
CROSS JOIN LATERAL (SELECT ST_Distance(z.geom::geography, q.pt) AS distance_m) AS d
WHERE l.current
  AND (cardinality($4::text[]) = 0 OR l.kind = ANY ($4::text[]))
ORDER BY d.distance_m, z.id
