-- Stores location $2 of site search $1 at $3 (EWKB, SRID 4326).
INSERT INTO site_search_location (search_id, rank, geom, kind, site, candidate, marginal_people,
                                  cumulative_people, cumulative_villages, villages, verdict, findings,
                                  province, admin_unit, case_id)
VALUES ($1, $2, ST_GeomFromEWKB($3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULLIF($15, 0));
