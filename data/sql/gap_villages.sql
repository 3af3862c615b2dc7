-- The settlement features of categories $7 of the current settlement layers
-- that intersect the analysis area: admin unit $1 (its version in force,
-- else its latest) when $1 <> '', else the box $2..$5 in SRID $6. Uses
-- zone_geom_gist. The population is the layer's population property
-- (population_field, '' meaning "population") where it is a whole number;
-- the centre a point on the feature's surface (the point itself).
WITH area AS (
    (SELECT u.geom FROM admin_unit AS u
     WHERE $1::text <> '' AND u.code = $1::text
     ORDER BY (u.valid_to IS NULL) DESC, u.valid_from DESC
     LIMIT 1)
    UNION ALL
    SELECT ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, $6::int) WHERE $1::text = ''
)
SELECT z.id, z.category, z.name, z.attributes,
       CASE WHEN (z.attributes ->> pf.f) ~ '^[0-9]{1,10}(\.0+)?$' THEN (z.attributes ->> pf.f)::numeric::bigint END,
       ST_X(c.c), ST_Y(c.c), ST_AsBinary(z.geom)
FROM area
JOIN zone AS z ON ST_Intersects(z.geom, area.geom)
JOIN layer AS l ON l.id = z.layer_id
CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(l.population_field, ''), 'population') AS f) AS pf
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(z.geom) AS c) AS c
WHERE l.current AND l.kind = 'settlement' AND z.category = ANY($7::text[])
ORDER BY z.id;
