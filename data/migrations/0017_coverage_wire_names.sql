-- 0017: coverage_result.inputs and .limits in their snake_case wire form.
--
-- Until now both columns held encoding/json's rendering of the Go structs
-- (coverage.Inputs, planning.CoverageLimits), so their member names were
-- Go field names ("HeightM", "Sectors": [{"EIRPdBm": ...}]). They now hold
-- the names the API has always shown (coverage.Inputs.MarshalJSON and
-- coverage.LimitsJSON, both in geo/coverage/wire.go): "height_m", "sectors": [{"eirp_dbm": ...}].
-- This rewrites the rows stored before, recognised by their Go names.
--
-- input_hash is left alone. The hash is now the SHA-256 of a versioned
-- canonical encoding ("btsplan coverage inputs v2", see
-- geo/coverage/canonical.go) instead of the JSON of the Go struct, so no
-- new computation produces an old hash again: the old rows stay readable
-- by id (proposals and gap fills link them) but are never a cache hit,
-- and the same inputs are computed once more under their new hash. That
-- is the cost of a cache; nothing is lost.
UPDATE coverage_result
SET inputs = jsonb_build_object(
        'location', jsonb_build_array(inputs -> 'Lon', inputs -> 'Lat'),
        'height_m', inputs -> 'HeightM',
        'rx_height_m', inputs -> 'RxHeightM',
        'freq_mhz', inputs -> 'FreqMHz',
        'technology', inputs -> 'Technology',
        'metric', inputs -> 'Metric',
        'threshold_dbm', inputs -> 'ThresholdDBm',
        'resource_blocks', inputs -> 'ResourceBlocks',
        'pilot_share_db', inputs -> 'PilotShareDB',
        'conversion_db', inputs -> 'ConversionDB',
        'radio', jsonb_build_object(
            'climate', inputs -> 'Radio' -> 'Climate',
            'n0', inputs -> 'Radio' -> 'N0',
            'epsilon', inputs -> 'Radio' -> 'Epsilon',
            'sigma_s_per_m', inputs -> 'Radio' -> 'SigmaSPerM',
            -- itm.PolarizationHorizontal is 0, PolarizationVertical 1.
            'polarization', CASE WHEN (inputs -> 'Radio' ->> 'Polarization')::int = 0
                                 THEN 'horizontal' ELSE 'vertical' END,
            'mdvar', inputs -> 'Radio' -> 'MDVar',
            'time_pct', inputs -> 'Radio' -> 'TimePct',
            'location_pct', inputs -> 'Radio' -> 'LocationPct',
            'situation_pct', inputs -> 'Radio' -> 'SituationPct'),
        'sectors', CASE WHEN jsonb_typeof(inputs -> 'Sectors') = 'array' THEN
            COALESCE((
                SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                           'azimuth_deg', s.e -> 'AzimuthDeg',
                           'mech_tilt_deg', s.e -> 'MechTiltDeg',
                           'elec_tilt_deg', s.e -> 'ElecTiltDeg',
                           'gain_dbi', s.e -> 'GainDBi',
                           'eirp_dbm', s.e -> 'EIRPdBm',
                           'hbw_deg', s.e -> 'HBeamwidthDeg',
                           'vbw_deg', s.e -> 'VBeamwidthDeg',
                           'front_to_back_db', s.e -> 'FrontToBackDB',
                           'side_lobe_db', s.e -> 'SideLobeDB',
                           'pattern', to_jsonb(NULLIF(s.e ->> 'Pattern', '')),
                           'pattern_sha256', to_jsonb(NULLIF(s.e ->> 'PatternSHA256', ''))))
                       ORDER BY s.n)
                FROM jsonb_array_elements(inputs -> 'Sectors') WITH ORDINALITY AS s (e, n)),
                '[]'::jsonb)
            ELSE '[]'::jsonb END,
        'radius_m', inputs -> 'RadiusM',
        'cell_arcsec', inputs -> 'CellArcSec',
        'profile_step_m', inputs -> 'ProfileStepM',
        -- Coverages stored before the option were all bilinear.
        'terrain_sampling', COALESCE(NULLIF(inputs ->> 'TerrainSampling', ''), 'bilinear'),
        'dem_version', inputs -> 'DEMVersion',
        'model', inputs -> 'Model',
        'engine', inputs -> 'Engine')
WHERE inputs ? 'Lon';

UPDATE coverage_result
SET limits = jsonb_strip_nulls(jsonb_build_object(
        'radius_m', limits -> 'RadiusM',
        'radius_limited', limits -> 'RadiusLimited',
        'rim_covered_cells', limits -> 'RimCoveredCells',
        'outside_radius_cells', limits -> 'OutsideRadiusCells',
        'below_threshold_cells', limits -> 'BelowThresholdCells',
        'terrain_limited_cells', limits -> 'TerrainLimitedCells',
        'dem_void_cells', limits -> 'DEMVoidCells',
        'dem_missing_cells', limits -> 'DEMMissingCells',
        'dem_filled_voids', limits -> 'DEMFilledVoids',
        'dem_tiles', limits -> 'DEMTiles',
        'model_error_cells', limits -> 'ModelErrorCells',
        'first_model_error', to_jsonb(NULLIF(limits ->> 'FirstModelError', '')),
        'model_warning_cells', limits -> 'ModelWarningCells',
        'model_warnings', limits -> 'ModelWarnings'))
WHERE limits ? 'RadiusM';

COMMENT ON COLUMN coverage_result.input_hash IS
    'coverage.Hash: sha256 of the canonical encoding of the resolved inputs, DEM version included (rows from before 0017 carry the older JSON-based hash and are never hit again)';
