-- Pauses case $1's clock at $2 (case_pause_open allows one open pause).
INSERT INTO case_pause (case_id, paused_at) VALUES ($1, $2)
