-- Makes the current version of network $1 an old one, before a new version
-- becomes current (network_current_name allows one current row per name).
UPDATE network SET current = false WHERE name = $1 AND current
