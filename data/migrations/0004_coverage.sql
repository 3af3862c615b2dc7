-- 0004: computed coverages, cached by the hash of their inputs, and the
-- link from each assessment (one proposal revision) to its coverage.
--
-- A coverage's raster files (the received level as GeoTIFF, its PNG
-- overlay and legend) live under the data directory (BTSPLAN_DATA_DIR);
-- files holds their paths relative to it.
CREATE TABLE coverage_result (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- coverage.Hash of the resolved inputs, DEM version included.
    input_hash    text NOT NULL UNIQUE CHECK (input_hash ~ '^sha256:[0-9a-f]{64}$'),
    inputs        jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'object'),
    model         text NOT NULL CHECK (model <> ''),       -- "ITM 1.2.2 (btsplan geo/itm)"
    dem_version   text NOT NULL DEFAULT '',
    -- What limited the coverage: the radius, the terrain's shadow, DEM
    -- voids and missing tiles, ITM's warnings (planning.CoverageLimits).
    limits        jsonb NOT NULL CHECK (jsonb_typeof(limits) = 'object'),
    metric        text NOT NULL CHECK (metric IN ('level', 'RSCP', 'RSRP', 'SS-RSRP')),
    threshold_dbm double precision NOT NULL,
    area_km2      double precision NOT NULL CHECK (area_km2 >= 0),
    covered_cells integer NOT NULL CHECK (covered_cells >= 0),
    -- The raster's extent and cell, where the PNG overlay goes.
    west          double precision NOT NULL,
    south         double precision NOT NULL,
    east          double precision NOT NULL,
    north         double precision NOT NULL,
    cell_arcsec   double precision NOT NULL CHECK (cell_arcsec > 0),
    covered       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(covered)),
    files         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(files) = 'object'),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coverage_result_covered_gist ON coverage_result USING gist (covered);

-- The coverage of each assessment. Re-linking an assessment replaces its
-- coverage; a coverage may serve many assessments (resubmissions with the
-- same radio inputs share it).
CREATE TABLE assessment_coverage (
    assessment_id bigint PRIMARY KEY REFERENCES assessment (id),
    proposal_id   bigint NOT NULL REFERENCES proposal (id),
    coverage_id   bigint NOT NULL REFERENCES coverage_result (id),
    linked_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_coverage_proposal ON assessment_coverage (proposal_id, assessment_id DESC);
CREATE INDEX assessment_coverage_coverage ON assessment_coverage (coverage_id);
