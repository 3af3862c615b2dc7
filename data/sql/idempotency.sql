-- The request hash and proposal stored under organization $1's key $2.
SELECT request_hash, proposal_id FROM idempotency_key WHERE organization = $1 AND key = $2
