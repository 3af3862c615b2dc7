-- Inserts the matched rows of gap list $1, one per element of the arrays.
INSERT INTO gap_list_village (list_id, zone_id, line, province, commune, village,
                              province_code, commune_code, status, listed_on)
SELECT $1, r.zone_id, r.line, r.province, r.commune, r.village, r.province_code, r.commune_code, r.status, r.listed_on
FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::date[])
     AS r (zone_id, line, province, commune, village, province_code, commune_code, status, listed_on)
