-- The per-carrier results of the villages of gap analysis $1, village by
-- village (zone order), with each village's population, centre and
-- geometry as gap_villages.sql reads them.
SELECT z.id, z.category, z.name, z.attributes,
       CASE WHEN (z.attributes ->> pf.f) ~ '^[0-9]{1,10}(\.0+)?$' THEN (z.attributes ->> pf.f)::numeric::bigint END,
       ST_X(c.c), ST_Y(c.c), ST_AsBinary(z.geom),
       v.carrier, v.status, v.level_dbm, v.not_spot
FROM gap_village AS v
JOIN zone AS z ON z.id = v.zone_id
JOIN layer AS l ON l.id = z.layer_id
CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(l.population_field, ''), 'population') AS f) AS pf
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(z.geom) AS c) AS c
WHERE v.analysis_id = $1
ORDER BY z.id, v.carrier;
