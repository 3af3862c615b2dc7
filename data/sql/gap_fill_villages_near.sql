-- The features of categories $3 of the current settlement layers within
-- $2 m of point $1 (EWKB, EPSG:4326), on the spheroid, in zone order, with
-- population, centre and geometry as gap_villages.sql reads them. Uses
-- zone_geog_gist: the query point is cast, the column as the index is.
WITH q AS MATERIALIZED (SELECT ST_GeomFromEWKB($1)::geography AS g)
SELECT z.id, z.category, z.name, z.attributes,
       CASE WHEN (z.attributes ->> pf.f) ~ '^[0-9]{1,10}(\.0+)?$' THEN (z.attributes ->> pf.f)::numeric::bigint END,
       ST_X(c.c), ST_Y(c.c), ST_AsBinary(z.geom)
FROM q
JOIN zone AS z ON ST_DWithin(z.geom::geography, q.g, $2::float8)
JOIN layer AS l ON l.id = z.layer_id
CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(l.population_field, ''), 'population') AS f) AS pf
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(z.geom) AS c) AS c
WHERE l.current AND l.kind = 'settlement' AND z.category = ANY($3::text[])
ORDER BY z.id;
