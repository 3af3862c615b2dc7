-- 0011: best-site search (issue 9): where the carrier's next masts could
-- stand, zoning allowing, to cover the most people in the villages it
-- leaves without signal.
--
-- One search: what was asked (params, the wire form of
-- planning.SearchParams), the carrier it is for (whose users alone may see
-- it, with analysts and admins), the job that runs it and, once done, its
-- counts. state follows the job as gap_analysis's does.
CREATE TABLE site_search (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    carrier    text NOT NULL,
    job_id     bigint,
    params     jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    state      text NOT NULL DEFAULT 'queued'
               CHECK (state IN ('queued', 'running', 'retrying', 'done', 'failed', 'cancelled')),
    counts     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counts) = 'object'),
    error      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz
);
CREATE INDEX site_search_carrier ON site_search (carrier, id);

-- The chosen locations of a search, by rank (1 is the first greedy pick).
-- site is the draft proposal (site code, structure, height, antennas);
-- candidate says where the point came from; villages are the target
-- villages it newly covers ({zone_id, name, category, population,
-- level_dbm}); findings the CONDITIONAL findings of its zoning check (a
-- CONFLICT is never stored: the CHECK says so). case_id is the carrier's
-- draft case made for it; proposal_id the proposal once adopted.
CREATE TABLE site_search_location (
    search_id           bigint NOT NULL REFERENCES site_search (id) ON DELETE CASCADE,
    rank                integer NOT NULL CHECK (rank >= 1),
    geom                geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    kind                text NOT NULL CHECK (kind IN ('tower', 'peak', 'ridge', 'road', 'power_line')),
    site                jsonb NOT NULL CHECK (jsonb_typeof(site) = 'object'),
    candidate           jsonb NOT NULL CHECK (jsonb_typeof(candidate) = 'object'),
    marginal_people     integer NOT NULL CHECK (marginal_people >= 0),
    cumulative_people   integer NOT NULL CHECK (cumulative_people >= marginal_people),
    cumulative_villages integer NOT NULL CHECK (cumulative_villages >= 0),
    villages            jsonb NOT NULL CHECK (jsonb_typeof(villages) = 'array'),
    verdict             text NOT NULL CHECK (verdict IN ('APPROVE', 'CONDITIONAL')),
    findings            jsonb NOT NULL CHECK (jsonb_typeof(findings) = 'array'),
    province            text NOT NULL DEFAULT '',
    admin_unit          text NOT NULL DEFAULT '',
    case_id             bigint REFERENCES review_case (id),
    proposal_id         bigint REFERENCES proposal (id),
    PRIMARY KEY (search_id, rank)
);
CREATE INDEX site_search_location_geom_gist ON site_search_location USING gist (geom);
