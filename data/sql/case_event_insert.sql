-- Appends a transition to case $1's history.
INSERT INTO case_event (case_id, at, event, state_before, state_after, actor_user_id, actor, proposal_id, note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
