-- The roads and power lines (corridor layers, categories road_* and
-- power_*) and the towers (tower layers) of the current layers that meet
-- the box $1..$4 in SRID $5. Uses zone_geom_gist. A tower's height is its
-- height_m property where that is a number.
SELECT z.id, l.kind, z.category, z.name, COALESCE(z.attributes ->> 'owner', ''),
       CASE WHEN (z.attributes ->> 'height_m') ~ '^[0-9]{1,4}(\.[0-9]+)?$' THEN (z.attributes ->> 'height_m')::float8 END,
       ST_AsBinary(z.geom)
FROM zone AS z
JOIN layer AS l ON l.id = z.layer_id
WHERE l.current
  AND z.geom && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, $5::int)
  AND ((l.kind = 'corridor' AND (z.category LIKE 'road\_%' OR z.category LIKE 'power\_%'))
       OR l.kind = 'tower')
ORDER BY z.id;
