-- The 0-based indexes of the points ($1 longitudes, $2 latitudes, SRID $3)
-- that no current DEM tile covers, and whether any current tile exists.
-- Uses dem_tile_footprint_gist.
SELECT COALESCE(array_agg(p.ord - 1 ORDER BY p.ord) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM dem_tile AS t
           WHERE t.current AND ST_Intersects(t.footprint, ST_SetSRID(ST_MakePoint(p.lon, p.lat), $3::int)))),
           '{}'),
       EXISTS (SELECT 1 FROM dem_tile WHERE current)
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p (lon, lat, ord)
