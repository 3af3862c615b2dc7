-- 0007: the existing mobile networks: imported versions (like layers),
-- their sites and the cells (antennas) of each site.
--
-- A network is one import of an OpenCelliD CSV or a GeoJSON file of sites
-- under a name; importing the name again makes a new version and the old
-- one stops being current (exactly as layers do, 0002). Old versions and
-- their sites are kept so that an analysis can name what it read.
--
-- OpenCelliD and many carrier exports lack radio parameters (height,
-- azimuth, power). Those take the per-technology defaults of the radio
-- defaults file (planning/radio/defaults.yaml, or the province's), and the
-- names of the values so taken are listed in "assumed" on the site and on
-- each cell, so that every output can say which values are assumed.
CREATE TABLE network (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text NOT NULL CHECK (name <> ''),
    version          integer NOT NULL CHECK (version >= 1),
    current          boolean NOT NULL DEFAULT true,
    format           text NOT NULL CHECK (format IN ('opencellid', 'geojson')),
    source           text NOT NULL DEFAULT '',
    licence          text NOT NULL DEFAULT '',
    province         text NOT NULL DEFAULT '', -- whose radio defaults filled the assumed values; '' national
    defaults_version text NOT NULL DEFAULT '', -- RadioDefaults.Version of those defaults
    group_distance_m double precision CHECK (group_distance_m > 0), -- OpenCelliD only: cells within it form a site
    imported_at      timestamptz NOT NULL DEFAULT now(),
    site_count       integer NOT NULL DEFAULT 0 CHECK (site_count >= 0),
    cell_count       integer NOT NULL DEFAULT 0 CHECK (cell_count >= 0),
    skipped          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(skipped) = 'array'), -- [{"line": n, "reason": "..."}]
    UNIQUE (name, version)
);
CREATE UNIQUE INDEX network_current_name ON network (name) WHERE current;

-- Sites: one mast of one carrier. ordinal is the site's 0-based position in
-- its import (the order of the file, or of the grouping for OpenCelliD).
CREATE TABLE network_site (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    network_id   bigint NOT NULL REFERENCES network (id),
    ordinal      integer NOT NULL CHECK (ordinal >= 0),
    carrier      text NOT NULL,
    carrier_kind text NOT NULL GENERATED ALWAYS AS ('carrier') STORED,
    site_code    text NOT NULL CHECK (site_code <> ''),
    height_m     double precision NOT NULL CHECK (height_m > 0 AND height_m <= 300),
    assumed      text[] NOT NULL DEFAULT '{}' CHECK (assumed <@ ARRAY['height_m']::text[]),
    properties   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'), -- the source's, kept whole
    geom         geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    FOREIGN KEY (carrier, carrier_kind) REFERENCES organization (code, kind),
    UNIQUE (network_id, ordinal),
    UNIQUE (network_id, carrier, site_code)
);
CREATE INDEX network_site_geom_gist ON network_site USING gist (geom);
-- Radius searches (ST_DWithin on geography: sites near a village, towers
-- near a proposal) use this one.
CREATE INDEX network_site_geog_gist ON network_site USING gist ((geom::geography));
CREATE INDEX network_site_carrier ON network_site (network_id, carrier);

-- Cells: the antennas of a site, one per sector and technology. An omni
-- cell radiates equally at every azimuth (azimuth_deg is then 0 and
-- meaningless). properties keeps the source row or antenna object whole
-- (for OpenCelliD: radio, mcc, net, area, cell, unit, lon, lat, range,
-- samples, changeable, created, updated, averageSignal).
CREATE TABLE network_cell (
    site_id         bigint NOT NULL REFERENCES network_site (id),
    ordinal         integer NOT NULL CHECK (ordinal >= 0),
    technology      text NOT NULL CHECK (technology IN ('GSM', 'UMTS', 'LTE', 'NR')),
    band_mhz        double precision NOT NULL CHECK (band_mhz > 0),
    azimuth_deg     double precision NOT NULL CHECK (azimuth_deg >= 0 AND azimuth_deg < 360),
    tilt_deg        double precision NOT NULL CHECK (tilt_deg >= -90 AND tilt_deg <= 90),
    eirp_dbm        double precision NOT NULL CHECK (eirp_dbm > -50 AND eirp_dbm < 100),
    gain_dbi        double precision NOT NULL CHECK (gain_dbi >= -10 AND gain_dbi <= 40),
    h_beamwidth_deg double precision NOT NULL CHECK (h_beamwidth_deg > 0 AND h_beamwidth_deg <= 360),
    v_beamwidth_deg double precision NOT NULL CHECK (v_beamwidth_deg > 0 AND v_beamwidth_deg <= 180),
    omni            boolean NOT NULL DEFAULT false,
    assumed         text[] NOT NULL DEFAULT '{}' CHECK (assumed <@ ARRAY['band_mhz', 'azimuth_deg', 'tilt_deg',
                        'eirp_dbm', 'gain_dbi', 'h_beamwidth_deg', 'v_beamwidth_deg', 'omni']::text[]),
    properties      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    PRIMARY KEY (site_id, ordinal)
);
