-- The staging table of one layer import, filled by COPY and dropped with
-- the transaction.
CREATE TEMP TABLE import_zone_stage (
    idx        integer NOT NULL,
    category   text NOT NULL,
    name       text NOT NULL,
    attributes jsonb NOT NULL,
    wkb        bytea NOT NULL
) ON COMMIT DROP
