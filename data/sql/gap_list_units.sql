-- Every admin unit code once: its version in force on day $1, else its
-- latest version.
SELECT DISTINCT ON (code) code, name, level, COALESCE(parent_code, ''), valid_from, valid_to
FROM admin_unit
ORDER BY code,
         (valid_from <= $1::date AND (valid_to IS NULL OR valid_to > $1::date)) DESC,
         valid_from DESC
