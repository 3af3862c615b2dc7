-- Appends one audit row (audit_event refuses UPDATE and DELETE).
INSERT INTO audit_event (at, actor, action, proposal_id, payload, actor_user_id, organization,
                         request_id, case_id, state_before, state_after)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
