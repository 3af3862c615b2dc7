-- Everything one assessment reads, in one round trip and from one snapshot
-- (one statement), as one row of arrays:
--   - the organization with code $6 (the site's carrier), NULLs when none;
--   - the admin units in force on day $5 whose geometry covers the site
--     point $1 (EWKB, EPSG:4326), smallest area first (admin_unit_geom_gist);
--   - the current version of every layer, by name;
--   - the zones of the current layer versions near the site: its point $1
--     and, when $2 is not NULL, its footprint $2 (EWKB, EPSG:4326), each
--     layer kind $3[i] searched within its own radius $4[i] m (no kinds, no
--     zones), nearest first. Every measure is on geography (the spheroid):
--     distances in metres, 0 when inside or touching, and the area of the
--     footprint inside the zone in square metres; and the zone's point
--     nearest the site.
-- Being one statement, the layer versions are those the zones came from,
-- even while a layer is being re-imported.
--
-- The query geometry is cast to geography once, in q. The index condition
-- is the one PostGIS itself derives for ST_DWithin on geography (&& with
-- the search geometry expanded by the radius), on the column cast as the
-- index zone_layer_geog_gist is written, once per current layer of the
-- kinds asked for, with its kind's radius: land-use zones, tested only for
-- "inside", are neither read nor measured out to the radius of a corridor
-- or airport rule. The exact test is not a second
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
),
hits AS (
SELECT z.id, z.layer_name, z.kind, z.version, z.category, z.name,
       d.distance_m,
       COALESCE(d.footprint_distance_m, d.distance_m) AS footprint_distance_m,
       CASE WHEN q.fp IS NULL OR NOT ST_Intersects(z.geom, q.fp) THEN 0
            ELSE ST_Area(ST_Intersection(z.geom, q.fp)::geography) END AS footprint_overlap_m2,
       ST_X(n.cp) AS nearest_lon, ST_Y(n.cp) AS nearest_lat
FROM q
-- The current layer versions of the kinds asked for, each once with its
-- kind's radius (the greatest, were a kind asked for twice): a kind with
-- no current layer has no zones.
CROSS JOIN (
    SELECT max(k.radius) AS radius, l.id AS layer_id, l.name AS layer_name, l.kind, l.version
    FROM unnest($3::text[], $4::float8[]) AS k(kind, radius)
    JOIN layer AS l ON l.kind = k.kind AND l.current
    GROUP BY l.id
) AS k
-- The candidates: the zones of each of those layers whose box is within
-- the kind's radius of the site, one scan of zone_layer_geog_gist per
-- layer (its index condition is on both columns: an airport rule's 15 km
-- scan reads no land-use zone). OFFSET 0 keeps the planner from inlining the
-- cast and the distances below into every expression that reads them.
CROSS JOIN LATERAL (
    SELECT z.id, z.category, z.name, z.geom, k.layer_name, k.kind, k.version, k.radius
    FROM zone AS z
    WHERE z.layer_id = k.layer_id
      AND z.geom::geography && _ST_Expand(q.search, k.radius)
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
)
SELECT o.code, o.name, o.kind,
       u.codes, u.names, u.levels, u.parents, u.valid_from, u.valid_to,
       v.names, v.versions,
       h.ids, h.layers, h.kinds, h.versions, h.categories, h.names,
       h.distance_m, h.footprint_distance_m, h.footprint_overlap_m2, h.nearest_lon, h.nearest_lat
FROM (
    SELECT array_agg(a.code ORDER BY a.area_m2, a.code) AS codes,
           array_agg(a.name ORDER BY a.area_m2, a.code) AS names,
           array_agg(a.level ORDER BY a.area_m2, a.code) AS levels,
           array_agg(COALESCE(a.parent_code, '') ORDER BY a.area_m2, a.code) AS parents,
           array_agg(a.valid_from ORDER BY a.area_m2, a.code) AS valid_from,
           array_agg(a.valid_to ORDER BY a.area_m2, a.code) AS valid_to
    FROM q
    JOIN admin_unit AS a ON ST_Covers(a.geom, q.p)
    WHERE a.valid_from <= $5::date
      AND (a.valid_to IS NULL OR a.valid_to > $5::date)
) AS u
CROSS JOIN (
    SELECT array_agg(l.name ORDER BY l.name) AS names,
           array_agg(l.version ORDER BY l.name) AS versions
    FROM layer AS l
    WHERE l.current
) AS v
CROSS JOIN (
    SELECT array_agg(h.id ORDER BY h.distance_m, h.id) AS ids,
           array_agg(h.layer_name ORDER BY h.distance_m, h.id) AS layers,
           array_agg(h.kind ORDER BY h.distance_m, h.id) AS kinds,
           array_agg(h.version ORDER BY h.distance_m, h.id) AS versions,
           array_agg(h.category ORDER BY h.distance_m, h.id) AS categories,
           array_agg(h.name ORDER BY h.distance_m, h.id) AS names,
           array_agg(h.distance_m ORDER BY h.distance_m, h.id) AS distance_m,
           array_agg(h.footprint_distance_m ORDER BY h.distance_m, h.id) AS footprint_distance_m,
           array_agg(h.footprint_overlap_m2 ORDER BY h.distance_m, h.id) AS footprint_overlap_m2,
           array_agg(h.nearest_lon ORDER BY h.distance_m, h.id) AS nearest_lon,
           array_agg(h.nearest_lat ORDER BY h.distance_m, h.id) AS nearest_lat
    FROM hits AS h
) AS h
LEFT JOIN organization AS o ON o.code = $6::text
