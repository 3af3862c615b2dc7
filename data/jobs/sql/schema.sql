-- The schema River's tables are in (the first of the search_path, where
-- data.Migrate puts them) and whether they are there.
SELECT coalesce(current_schema(), ''),
       to_regclass(quote_ident(current_schema()) || '.river_job') IS NOT NULL
