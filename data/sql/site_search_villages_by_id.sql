-- The villages and hamlets (categories $2) of the current settlement
-- layers among zone ids $1, with the columns of gap_villages.sql.
SELECT z.id, z.category, z.name, z.attributes,
       CASE WHEN (z.attributes ->> pf.f) ~ '^[0-9]{1,10}(\.0+)?$' THEN (z.attributes ->> pf.f)::numeric::bigint END,
       ST_X(c.c), ST_Y(c.c), ST_AsBinary(z.geom)
FROM zone AS z
JOIN layer AS l ON l.id = z.layer_id
CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(l.population_field, ''), 'population') AS f) AS pf
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(z.geom) AS c) AS c
WHERE z.id = ANY($1::bigint[]) AND l.current AND l.kind = 'settlement' AND z.category = ANY($2::text[])
ORDER BY z.id;
