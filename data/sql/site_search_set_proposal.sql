-- Records that location $2 of site search $1 was adopted as proposal $3.
UPDATE site_search_location SET proposal_id = $3
WHERE search_id = $1 AND rank = $2
RETURNING rank;
