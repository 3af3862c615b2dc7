-- The staging table of one admin-unit import, filled by COPY and dropped
-- with the transaction.
CREATE TEMP TABLE import_admin_stage (
    idx        integer NOT NULL,
    code       text NOT NULL,
    name       text NOT NULL,
    parent     text,
    attributes jsonb NOT NULL,
    wkb        bytea NOT NULL
) ON COMMIT DROP
