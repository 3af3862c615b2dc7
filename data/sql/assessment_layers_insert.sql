-- Links assessment $1 to the layer versions ($2[i], $3[i]) it read, and
-- returns the pairs that name no stored layer version (none are linked
-- then: the caller rolls back).
WITH want AS (
    SELECT v.name, v.version, l.id
    FROM unnest($2::text[], $3::int[]) AS v (name, version)
    LEFT JOIN layer AS l ON l.name = v.name AND l.version = v.version
), ins AS (
    INSERT INTO assessment_layer (assessment_id, layer_id)
    SELECT $1::bigint, id FROM want WHERE id IS NOT NULL
)
SELECT name, version FROM want WHERE id IS NULL ORDER BY name
