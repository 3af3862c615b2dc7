-- For each of proposals $1 (bigint[]) whose latest assessment has a
-- coverage: the proposal ID and that coverage, without its geometry.
SELECT la.proposal_id,
       c.id, c.input_hash, c.inputs, c.model, c.dem_version, c.limits, c.metric, c.threshold_dbm,
       c.area_km2, c.covered_cells, c.cell_arcsec, c.west, c.south, c.east, c.north, c.files, c.created_at
FROM (SELECT DISTINCT ON (a.proposal_id) a.id, a.proposal_id
      FROM assessment AS a
      WHERE a.proposal_id = ANY($1)
      ORDER BY a.proposal_id, a.id DESC) AS la
JOIN assessment_coverage AS ac ON ac.assessment_id = la.id
JOIN coverage_result AS c ON c.id = ac.coverage_id;
