-- The proposal of carrier $1 and site code $2 submitted with content hash $3.
SELECT id FROM proposal WHERE carrier = $1 AND site_code = $2 AND content_hash = $3
