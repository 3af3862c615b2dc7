-- The zones of layer version $1 in id order, all of them when $2 is NULL,
-- else those intersecting the box ($2 $3)-($4 $5) in SRID $6 (EPSG:4326).
SELECT id, layer_id, category, name, attributes, ST_AsBinary(geom)
FROM zone
WHERE layer_id = $1
  AND ($2::float8 IS NULL
       OR ST_Intersects(geom, ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, $6::int)))
ORDER BY id
