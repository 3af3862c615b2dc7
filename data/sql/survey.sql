-- Zones of the current layer versions near the site: its point $1 and,
-- when $2 is not NULL, its footprint $2 (EWKB, EPSG:4326). Each layer kind
-- $4[i] is searched within its own radius $5[i] m; when $4 is empty, every
-- kind within $3 m. Every measure is on geography (the spheroid): distances
-- in metres, 0 when inside or touching, and the area of the footprint
-- inside the zone in square metres; and the zone's point nearest the site.
--
-- The query geometry is cast to geography once, in q. The index condition
-- is the one PostGIS itself derives for ST_DWithin on geography (&& with
-- the search geometry expanded by the radius), on the column cast as the
-- index zone_geog_gist is written, once per kind with that kind's radius:
-- land-use zones, tested only for "inside", are not measured out to the
-- radius of a corridor or airport rule. The exact test is not a second
-- ST_DWithin: that would compute, for every candidate, the same spheroid
-- distances as the ones returned. Each zone is cast to geography once (c)
-- and its distances to the point and to the footprint are computed once
-- (d); a zone is within the radius of the site when the nearer of the two
-- is, exactly as ST_DWithin of the point and footprint collected decides.
WITH q AS MATERIALIZED (
    SELECT s.p,
           s.p::geography AS pt,
           s.f AS fp,
           s.f::geography AS fpg,
           (CASE WHEN s.f IS NULL THEN s.p ELSE ST_Collect(s.p, s.f) END)::geography AS search
    FROM (SELECT ST_GeomFromEWKB($1) AS p, ST_GeomFromEWKB($2) AS f) AS s
)
SELECT z.id, z.layer_name, z.kind, z.version, z.category, z.name,
       d.distance_m,
       COALESCE(d.footprint_distance_m, d.distance_m) AS footprint_distance_m,
       CASE WHEN q.fp IS NULL OR NOT ST_Intersects(z.geom, q.fp) THEN 0
            ELSE ST_Area(ST_Intersection(z.geom, q.fp)::geography) END AS footprint_overlap_m2,
       ST_X(n.cp) AS nearest_lon, ST_Y(n.cp) AS nearest_lat
FROM q
-- The kinds with their radii: the ones asked for, or every kind at $3.
CROSS JOIN LATERAL (
    SELECT k.kind, k.radius FROM unnest($4::text[], $5::float8[]) AS k(kind, radius)
    UNION ALL
    SELECT DISTINCT l.kind, $3::float8 FROM layer AS l WHERE cardinality($4::text[]) = 0
) AS k
-- The candidates: zones of current layers of each kind whose box is within
-- the kind's radius of the site. OFFSET 0 keeps the layer filter ahead of
-- the distances, and keeps the planner from inlining the cast and the
-- distances below into every expression that reads them.
CROSS JOIN LATERAL (
    SELECT z.id, z.category, z.name, z.geom, l.name AS layer_name, l.kind, l.version, k.radius
    FROM zone AS z
    JOIN layer AS l ON l.id = z.layer_id
    WHERE z.geom::geography && _ST_Expand(q.search, k.radius)
      AND l.current
      AND l.kind = k.kind
    OFFSET 0
) AS z
CROSS JOIN LATERAL (SELECT z.geom::geography AS g OFFSET 0) AS c
CROSS JOIN LATERAL (
    SELECT ST_Distance(c.g, q.pt) AS distance_m,
           CASE WHEN q.fpg IS NOT NULL THEN ST_Distance(c.g, q.fpg) END AS footprint_distance_m
    OFFSET 0
) AS d
-- The zone's point nearest the site (planar, in degrees: it only gives the
-- bearing for the rules limited to an antenna's main beam).
CROSS JOIN LATERAL (SELECT ST_ClosestPoint(z.geom, q.p) AS cp) AS n
WHERE LEAST(d.distance_m, d.footprint_distance_m) <= z.radius
ORDER BY d.distance_m, z.id
