-- Records organization $1's key $2 for request hash $3 and proposal $4.
INSERT INTO idempotency_key (organization, key, request_hash, proposal_id) VALUES ($1, $2, $3, $4)
