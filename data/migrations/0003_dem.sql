-- 0003: the DEM tile index. The heights live in files under the data
-- directory (BTSPLAN_DATA_DIR, see data/dem/doc.go); this table says which
-- files exist, what they cover and which version of each tile is current.
--
-- A tile is one imported file: dataset is the name given to the import
-- ("srtm"), tile the key of the file (N21E105 for an SRTM tile, the base
-- name of a GeoTIFF). Each import of the same (dataset, tile) is a new
-- version; old rows are kept with current = false so that a result can
-- name the exact tiles it read, but only current tiles are read.
CREATE TABLE dem_tile (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset       text NOT NULL CHECK (dataset ~ '^[a-z0-9][a-z0-9_-]*$'),
    tile          text NOT NULL CHECK (tile ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]*$'),
    version       integer NOT NULL CHECK (version >= 1),
    current       boolean NOT NULL DEFAULT true,
    path          text NOT NULL CHECK (path <> ''), -- relative to the data directory
    source_file   text NOT NULL DEFAULT '',          -- base name of the imported file
    source_format text NOT NULL CHECK (source_format IN ('hgt', 'geotiff')),
    source_sha256 text NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'), -- of the stored file
    bytes         bigint NOT NULL CHECK (bytes > 0),             -- of the stored file
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    -- The geotransform: outer west and north edges and the cell size, in
    -- degrees (geo.Grid's).
    west          double precision NOT NULL,
    north         double precision NOT NULL,
    step_lon_deg  double precision NOT NULL CHECK (step_lon_deg > 0),
    step_lat_deg  double precision NOT NULL CHECK (step_lat_deg > 0),
    voids         integer NOT NULL CHECK (voids >= 0), -- cells filled by interpolation
    footprint     geometry(Polygon, 4326) NOT NULL CHECK (ST_IsValid(footprint)),
    imported_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (dataset, tile, version)
);
CREATE UNIQUE INDEX dem_tile_current ON dem_tile (dataset, tile) WHERE current;
-- Window's footprint && box uses this one.
CREATE INDEX dem_tile_footprint_gist ON dem_tile USING gist (footprint);
