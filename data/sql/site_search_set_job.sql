-- Records the job $2 of site search $1.
UPDATE site_search SET job_id = $2 WHERE id = $1;
