-- Whether any admin unit is loaded: only then must a layer's features lie
-- in one.
SELECT EXISTS (SELECT 1 FROM admin_unit)
