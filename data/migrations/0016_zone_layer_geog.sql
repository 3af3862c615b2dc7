-- 0016: a spatial index that knows the layer.
--
-- sql/survey.sql searches each layer kind within its own radius, but
-- zone_geog_gist knows nothing of layers: a search out to an airport or
-- corridor rule's radius visited every land-use zone in range too, only
-- to drop it after the index scan. This index leads with the layer, so a
-- search of one layer version reads only that layer's zones near the
-- site. btree_gist gives GiST the equality on layer_id (a contrib module
-- of PostgreSQL, trusted, in Debian's postgresql-NN and the postgis/postgis
-- images). zone_geog_gist stays: the gap analyses search every layer.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX zone_layer_geog_gist ON zone USING gist (layer_id, (geom::geography));
