-- The locations of site search $1, by rank.
SELECT l.rank, ST_X(l.geom), ST_Y(l.geom), l.kind, l.site, l.candidate, l.marginal_people,
       l.cumulative_people, l.cumulative_villages, l.villages, l.verdict, l.findings, l.province,
       l.admin_unit, COALESCE(l.case_id, 0), COALESCE(l.proposal_id, 0)
FROM site_search_location AS l
WHERE l.search_id = $1
ORDER BY l.rank;
