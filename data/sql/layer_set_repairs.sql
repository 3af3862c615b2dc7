-- Records the repairs of the import of layer version $1.
UPDATE layer SET repairs = $2 WHERE id = $1
