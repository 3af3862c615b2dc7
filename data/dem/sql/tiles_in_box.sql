-- The current tiles whose footprint meets the box ($1 west, $2 south,
-- $3 east, $4 north) in SRID $5, in the order a window mosaics them:
-- finest cell first, then the newest import. Uses dem_tile_footprint_gist.
SELECT t.dataset, t.tile, t.version, t.path, t.width, t.height,
       t.west, t.north, t.step_lon_deg, t.step_lat_deg, t.voids, t.sha256
FROM dem_tile AS t
WHERE t.current
  AND t.footprint && ST_MakeEnvelope($1, $2, $3, $4, $5)
ORDER BY t.step_lat_deg * t.step_lon_deg, t.imported_at DESC, t.id DESC
