-- 0015: incremental gap analyses.
--
-- An analysis records what it was computed from so that the next one of
-- the same area, carriers and tunables (the same reuse_key) recomputes
-- only what changed: the existing sites' coverages it used (by input
-- hash, which names the site's radio inputs and the DEM version) and each
-- one's level at every settlement point within its radius.
ALTER TABLE gap_analysis ADD COLUMN reuse_key text NOT NULL DEFAULT '';
CREATE INDEX gap_analysis_reuse ON gap_analysis (reuse_key, id) WHERE state = 'done';

-- The share of a village polygon's area its carrier covers (NULL for a
-- point), kept so that a later analysis reuses it outside the changed
-- sites' reach.
ALTER TABLE gap_village ADD COLUMN covered_share double precision
    CHECK (covered_share BETWEEN 0 AND 1);

-- One row per coverage (site, band, technology) an analysis used: its
-- carrier and input hash (a carrier's co-located twins are one row), where
-- the site stands, its radius and threshold, and its stored coverage.
CREATE TABLE gap_site (
    analysis_id   bigint NOT NULL REFERENCES gap_analysis (id) ON DELETE CASCADE,
    input_hash    text NOT NULL,
    carrier       text NOT NULL,
    lon           double precision NOT NULL,
    lat           double precision NOT NULL,
    radius_m      double precision NOT NULL CHECK (radius_m > 0),
    threshold_dbm double precision NOT NULL,
    coverage_id   bigint NOT NULL REFERENCES coverage_result (id),
    PRIMARY KEY (analysis_id, carrier, input_hash)
);

-- The level of the carrier's coverage input_hash at the centre of settlement zone_id
-- (a village, hamlet or home cluster within its radius), from a profile
-- drawn straight to it; NULL where ITM gives none.
CREATE TABLE gap_level (
    analysis_id bigint NOT NULL,
    carrier     text NOT NULL,
    input_hash  text NOT NULL,
    zone_id     bigint NOT NULL REFERENCES zone (id),
    level_dbm   double precision,
    PRIMARY KEY (analysis_id, carrier, input_hash, zone_id),
    FOREIGN KEY (analysis_id, carrier, input_hash) REFERENCES gap_site (analysis_id, carrier, input_hash) ON DELETE CASCADE
);
