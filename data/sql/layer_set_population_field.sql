-- Records that layer $1 keeps its features' population in property $2.
UPDATE layer SET population_field = $2 WHERE id = $1;
