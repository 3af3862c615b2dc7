-- 0012: the official gap list, and assessments re-evaluated with their
-- gap fill.
--
-- Each import of the list is a new version; the latest applies whole.
-- unmatched keeps the rows an import with allow_unmatched could not match
-- ([{line, reason}]), so that the report can be read again.
CREATE TABLE gap_list (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     integer NOT NULL UNIQUE CHECK (version >= 1),
    source      text NOT NULL DEFAULT '',
    row_count   integer NOT NULL CHECK (row_count >= 0),
    unmatched   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(unmatched) = 'array'),
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- The rows of a list matched to one village each: the names as the list
-- writes them, the admin units and the zone they were matched to.
CREATE TABLE gap_list_village (
    list_id       bigint NOT NULL REFERENCES gap_list (id) ON DELETE CASCADE,
    zone_id       bigint NOT NULL REFERENCES zone (id),
    line          integer NOT NULL CHECK (line >= 2),
    province      text NOT NULL,
    commune       text NOT NULL,
    village       text NOT NULL,
    province_code text NOT NULL,
    commune_code  text NOT NULL,
    status        text NOT NULL CHECK (status IN ('covered', 'lom_song', 'trang_song')),
    listed_on     date NOT NULL,
    PRIMARY KEY (list_id, zone_id),
    UNIQUE (list_id, line)
);

-- What an assessment was based on: zoning alone, or zoning and the gap
-- fill of the proposal (a re-evaluation once the gap fill is computed;
-- the assessment before it is kept).
ALTER TABLE assessment ADD COLUMN basis text NOT NULL DEFAULT 'zoning'
    CHECK (basis IN ('zoning', 'gap_fill'));
