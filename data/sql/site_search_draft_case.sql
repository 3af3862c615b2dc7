-- Stores a draft case (no proposal, no clock, no province: a draft is the
-- carrier's own until submitted) of carrier $1's site code $2, unless the
-- carrier has a case of that code already; no row back then.
INSERT INTO review_case (carrier, site_code, state, created_at, updated_at)
VALUES ($1, $2, 'draft', $3, $3)
ON CONFLICT (carrier, site_code) DO NOTHING
RETURNING id;
