-- A function of this session only, used after an import's transform
-- failed, to find the first feature PROJ cannot transform: whether WKB $1
-- in SRID $2 transforms to SRID $3. Each call is a subtransaction, which
-- is why the import itself does not use it.
CREATE OR REPLACE FUNCTION pg_temp.btsplan_transforms(wkb bytea, src int, dst int) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ST_Transform(ST_GeomFromWKB(wkb, src), dst);
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RETURN false;
END
$$
