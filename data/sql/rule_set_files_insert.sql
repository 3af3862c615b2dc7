-- Keeps the text of rule set version $1: files named $2 with bodies $3, in
-- order. Written once: a version already stored is left as it is (the
-- table is append-only).
INSERT INTO rule_set_file (version, ordinal, name, body)
SELECT $1, f.o - 1, f.name, f.body
FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS f(name, body, o)
ON CONFLICT (version, ordinal) DO NOTHING
