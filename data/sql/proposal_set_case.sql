-- Files proposal $1 under case $2.
UPDATE proposal SET case_id = $2 WHERE id = $1
