-- 0010: the gap fill of each assessment: which villages a proposal newly
-- covers, the people in them, the gap area it closes, its overlap with the
-- carrier's existing coverage and the towers it could share. fill holds
-- the section's wire form (data.gapFillJSON); the columns beside it are
-- what it was computed from.
CREATE TABLE assessment_gap_fill (
    assessment_id   bigint PRIMARY KEY REFERENCES assessment (id),
    proposal_id     bigint NOT NULL REFERENCES proposal (id),
    coverage_id     bigint NOT NULL REFERENCES coverage_result (id),
    gap_analysis_id bigint REFERENCES gap_analysis (id) ON DELETE SET NULL,
    fill            jsonb NOT NULL CHECK (jsonb_typeof(fill) = 'object'),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_gap_fill_proposal ON assessment_gap_fill (proposal_id, assessment_id DESC);

-- A village's latest classification (gap_fill_statuses.sql) is looked up
-- by zone.
CREATE INDEX gap_village_zone ON gap_village (zone_id, analysis_id DESC);
