-- Records the job $2 of gap analysis $1.
UPDATE gap_analysis SET job_id = $2 WHERE id = $1;
