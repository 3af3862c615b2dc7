-- 0008: coverage gaps village by village.
--
-- A settlement layer may name the feature property that holds each
-- village's population (import layer --population-field); the value stays
-- in zone.attributes with the other source properties, and the gap
-- analysis reads it through the layer's population_field ('' means the
-- property "population", when it is a number).
ALTER TABLE layer ADD COLUMN population_field text NOT NULL DEFAULT '';

-- One gap analysis: what was asked (params, the wire form of
-- planning.GapParams), the job that computes it and, once done, the
-- counts. state follows the job: queued, running, done, failed, cancelled.
CREATE TABLE gap_analysis (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     bigint,
    params     jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    state      text NOT NULL DEFAULT 'queued'
               CHECK (state IN ('queued', 'running', 'retrying', 'done', 'failed', 'cancelled')),
    progress   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(progress) = 'object'),
    counts     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counts) = 'object'),
    error      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz
);

-- The status of each village for each carrier. level_dbm is the best
-- received level at the village centre among the carrier's sites (NULL
-- when no site reaches it). not_spot is the same for every carrier of a
-- village: total (no carrier), partial (some) or none.
CREATE TABLE gap_village (
    analysis_id bigint NOT NULL REFERENCES gap_analysis (id) ON DELETE CASCADE,
    zone_id     bigint NOT NULL REFERENCES zone (id),
    carrier     text NOT NULL,
    status      text NOT NULL CHECK (status IN ('covered', 'lom_song', 'trang_song')),
    level_dbm   double precision,
    not_spot    text NOT NULL CHECK (not_spot IN ('total', 'partial', 'none')),
    PRIMARY KEY (analysis_id, zone_id, carrier)
);

-- Gap polygons: populated area (village polygons, or a buffer around
-- village points) that no carrier covers, one row per connected part.
CREATE TABLE gap_area (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    analysis_id bigint NOT NULL REFERENCES gap_analysis (id) ON DELETE CASCADE,
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    area_km2    double precision NOT NULL CHECK (area_km2 >= 0)
);
CREATE INDEX gap_area_geom_gist ON gap_area USING gist (geom);
CREATE INDEX gap_area_analysis ON gap_area (analysis_id);
