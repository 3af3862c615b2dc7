-- 0001: PostGIS. Every geometry in btsplan is EPSG:4326.
CREATE EXTENSION IF NOT EXISTS postgis;
