-- Makes the current version of layer $1 an old one, before a new version
-- becomes current (layer_current_name allows one current row per name).
UPDATE layer SET current = false WHERE name = $1 AND current
