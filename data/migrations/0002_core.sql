-- 0002: the core schema of btsplan: admin units, layers and their zones,
-- organizations, proposals with their antennas, assessments with their
-- findings, the land department's decisions and the audit trail.
--
-- Every geometry is EPSG:4326, typed with a typmod, checked with ST_IsValid
-- and indexed with GiST. Geography expressions that queries use
-- (zone.geom::geography, by ZonesNear's ST_DWithin) have their own GiST
-- index, because a geometry index does not serve a geography predicate.

-- VN-2000 projected CRSs. PostGIS 3.3 ships 3405, 3406 (UTM 48N/49N) and
-- 5896-5899 (TM-3 zones 481, 482, 491 and 107-45) but not the provincial
-- TM-3 zones 9205-9218 that EPSG added in 2020 (EPSG v10.0xx). Each row
-- below was checked against the EPSG dataset (PROJ 9.1.1's proj.db, EPSG
-- v10.076): Transverse Mercator, latitude of origin 0, scale 0.9999, false
-- easting 500000, false northing 0, on VN-2000 (EPSG:4756, WGS 84
-- ellipsoid), with the central meridian of each zone.
--
-- The datum shift is EPSG:6960 "VN-2000 to WGS 84 (2)", published as a
-- coordinate-frame rotation (rx -0.00928836", ry 0.01975479",
-- rz -0.00427372"). PROJ's +towgs84 uses the position-vector convention, so
-- the rotations change sign here, exactly as in PostGIS's own rows for 5896-
-- 5899; copying the published signs into +towgs84 would shift points by
-- about a metre.
--
-- spatial_ref_sys is shared by every schema of the database, so the insert
-- keeps rows that are already there.
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) VALUES
    (9205, 'EPSG', 9205,
     'PROJCS["VN-2000 / TM-3 103-00",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",103],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9205"]]',
     '+proj=tmerc +lat_0=0 +lon_0=103 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9206, 'EPSG', 9206,
     'PROJCS["VN-2000 / TM-3 104-00",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",104],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9206"]]',
     '+proj=tmerc +lat_0=0 +lon_0=104 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9207, 'EPSG', 9207,
     'PROJCS["VN-2000 / TM-3 104-30",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",104.5],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9207"]]',
     '+proj=tmerc +lat_0=0 +lon_0=104.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9208, 'EPSG', 9208,
     'PROJCS["VN-2000 / TM-3 104-45",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",104.75],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9208"]]',
     '+proj=tmerc +lat_0=0 +lon_0=104.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9209, 'EPSG', 9209,
     'PROJCS["VN-2000 / TM-3 105-30",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",105.5],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9209"]]',
     '+proj=tmerc +lat_0=0 +lon_0=105.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9210, 'EPSG', 9210,
     'PROJCS["VN-2000 / TM-3 105-45",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",105.75],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9210"]]',
     '+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9211, 'EPSG', 9211,
     'PROJCS["VN-2000 / TM-3 106-00",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",106],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9211"]]',
     '+proj=tmerc +lat_0=0 +lon_0=106 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9212, 'EPSG', 9212,
     'PROJCS["VN-2000 / TM-3 106-15",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",106.25],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9212"]]',
     '+proj=tmerc +lat_0=0 +lon_0=106.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9213, 'EPSG', 9213,
     'PROJCS["VN-2000 / TM-3 106-30",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",106.5],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9213"]]',
     '+proj=tmerc +lat_0=0 +lon_0=106.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9214, 'EPSG', 9214,
     'PROJCS["VN-2000 / TM-3 107-00",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",107],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9214"]]',
     '+proj=tmerc +lat_0=0 +lon_0=107 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9215, 'EPSG', 9215,
     'PROJCS["VN-2000 / TM-3 107-15",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",107.25],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9215"]]',
     '+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9216, 'EPSG', 9216,
     'PROJCS["VN-2000 / TM-3 107-30",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",107.5],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9216"]]',
     '+proj=tmerc +lat_0=0 +lon_0=107.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9217, 'EPSG', 9217,
     'PROJCS["VN-2000 / TM-3 108-15",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",108.25],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9217"]]',
     '+proj=tmerc +lat_0=0 +lon_0=108.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs'),
    (9218, 'EPSG', 9218,
     'PROJCS["VN-2000 / TM-3 108-30",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",108.5],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","9218"]]',
     '+proj=tmerc +lat_0=0 +lon_0=108.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs')
ON CONFLICT (srid) DO NOTHING;

-- Organizations: carriers (code = MCC-MNC) and authorities (a short code).
-- They are data, not code: agencies were renamed and merged in 2025, and a
-- province may add its own.
CREATE TABLE organization (
    code    text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]*$'),
    kind    text NOT NULL CHECK (kind IN ('carrier', 'authority')),
    name    text NOT NULL CHECK (name <> ''),      -- official name, Vietnamese
    name_en text NOT NULL DEFAULT '',
    note    text NOT NULL DEFAULT '',
    UNIQUE (code, kind) -- target of the (code, kind) foreign keys below
);

-- The national mobile carriers that build base stations, coded by their
-- E.212 mobile network code (MCC 452). MVNOs build no towers and are left out.
INSERT INTO organization (code, kind, name, name_en) VALUES
    ('452-01', 'carrier', 'Tổng công ty Viễn thông MobiFone', 'MobiFone'),
    ('452-02', 'carrier', 'Tổng công ty Dịch vụ Viễn thông (VNPT VinaPhone)', 'VinaPhone (VNPT)'),
    ('452-04', 'carrier', 'Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)', 'Viettel'),
    ('452-05', 'carrier', 'Công ty Cổ phần Viễn thông Di động Vietnamobile', 'Vietnamobile'),
    ('452-07', 'carrier', 'Công ty Cổ phần Viễn thông Di động Toàn Cầu (Gmobile)', 'Gmobile (GTel Mobile)');

-- The authorities whose consent or objection a finding can name; the codes
-- are the ones planning/rules/national.yaml uses (plus DBVN and BTTM, which
-- no default rule names yet). Provincial departments follow the 2025
-- reorganisation: natural resources merged into agriculture (SNNMT),
-- transport into construction (SXD), information and communications into
-- science and technology (SKHCN).
INSERT INTO organization (code, kind, name, name_en, note) VALUES
    ('SNNMT', 'authority', 'Sở Nông nghiệp và Môi trường', 'Department of Agriculture and Environment',
     'land use, land allocation, forests and environment; reviews proposals for the province'),
    ('SXD', 'authority', 'Sở Xây dựng', 'Department of Construction',
     'construction permits, urban planning, and road corridors since transport merged into it in 2025'),
    ('SVHTTDL', 'authority', 'Sở Văn hóa, Thể thao và Du lịch', 'Department of Culture, Sports and Tourism',
     'ranked relics and heritage protection zones'),
    ('SKHCN', 'authority', 'Sở Khoa học và Công nghệ', 'Department of Science and Technology',
     'telecommunications infrastructure and the passive-infrastructure plan'),
    ('BCHQS', 'authority', 'Bộ Chỉ huy quân sự tỉnh', 'Provincial Military Command',
     'defence land and military areas'),
    ('CAT', 'authority', 'Công an tỉnh', 'Provincial Police',
     'security land and protected security areas'),
    ('BTTM', 'authority', 'Bộ Tổng Tham mưu Quân đội nhân dân Việt Nam', 'General Staff of the Vietnam People''s Army',
     'approves the height of aviation obstacles outside aerodrome areas (Decree 32/2016/NĐ-CP)'),
    ('CHK', 'authority', 'Cục Hàng không Việt Nam', 'Civil Aviation Authority of Vietnam',
     'aerodrome obstacle limitation surfaces'),
    ('BQLVQG', 'authority', 'Ban quản lý vườn quốc gia', 'National park management board',
     'national parks and nature reserves'),
    ('DBVN', 'authority', 'Cục Đường bộ Việt Nam', 'Vietnam Road Administration',
     'national road corridors'),
    ('VNR', 'authority', 'Tổng công ty Đường sắt Việt Nam', 'Vietnam Railways',
     'manages the national railway infrastructure and its safety corridors'),
    ('EVN', 'authority', 'Tập đoàn Điện lực Việt Nam', 'Vietnam Electricity',
     'owns the power grid and its safety corridors: EVNNPT for 220 kV and 500 kV lines, the regional power corporations below');

-- Admin units of any level. Levels are data ("province", "district",
-- "commune", ...): the district level ended on 2025-07-01 but old district
-- plans stay in force, so a unit is identified by code and valid_from, and
-- valid_to (exclusive, NULL while in force) closes it. Dates are calendar
-- dates in Vietnam (UTC+7).
CREATE TABLE admin_unit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL CHECK (code <> ''),
    name        text NOT NULL,
    level       text NOT NULL CHECK (level <> ''),
    parent_code text CHECK (parent_code <> ''), -- the parent in force over the same period
    valid_from  date NOT NULL,
    valid_to    date CHECK (valid_to > valid_from),
    attributes  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)) CHECK (NOT ST_IsEmpty(geom)),
    -- UnitsAt orders the units holding a point by area, smallest first.
    area_m2     double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    UNIQUE (code, valid_from)
);
CREATE INDEX admin_unit_geom_gist ON admin_unit USING gist (geom);
CREATE INDEX admin_unit_parent ON admin_unit (parent_code);

-- Layers: each import of a name is a new version. Old versions and their
-- zones are kept so that an assessment can be reproduced; "current" marks
-- the newest version of each name and is what ZonesNear reads.
CREATE TABLE layer (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*$'),
    name          text NOT NULL CHECK (name <> ''),
    version       integer NOT NULL CHECK (version >= 1),
    current       boolean NOT NULL DEFAULT true,
    source        text NOT NULL DEFAULT '',
    licence       text NOT NULL DEFAULT '',
    source_srid   integer NOT NULL,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    feature_count integer NOT NULL DEFAULT 0 CHECK (feature_count >= 0),
    repairs       jsonb NOT NULL DEFAULT '[]', -- [{"index": n, "reason": "..."}] from the import
    UNIQUE (name, version)
);
CREATE UNIQUE INDEX layer_current_name ON layer (name) WHERE current;

-- Zones: the features of one layer version. Any geometry type. A zone is
-- never deleted while an assessment refers to its layer version.
CREATE TABLE zone (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    layer_id      bigint NOT NULL REFERENCES layer (id),
    feature_index integer NOT NULL CHECK (feature_index >= 0), -- 0-based position in the imported file
    category      text NOT NULL CHECK (category <> ''),
    name          text NOT NULL DEFAULT '',
    attributes    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    geom          geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom)) CHECK (NOT ST_IsEmpty(geom))
);
CREATE INDEX zone_geom_gist ON zone USING gist (geom);
-- ZonesNear's ST_DWithin(z.geom::geography, ...) uses this one.
CREATE INDEX zone_geog_gist ON zone USING gist ((geom::geography));
CREATE INDEX zone_layer ON zone (layer_id, id);

-- Proposals: one row per revision of (carrier, site code). content_hash
-- catches a second submission of the same content.
CREATE TABLE proposal (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    carrier      text NOT NULL,
    carrier_kind text NOT NULL GENERATED ALWAYS AS ('carrier') STORED,
    site_code    text NOT NULL CHECK (site_code <> ''),
    revision     integer NOT NULL CHECK (revision >= 1),
    location     geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(location)),
    footprint    geometry(Polygon, 4326) CHECK (ST_IsValid(footprint)),
    structure    text NOT NULL CHECK (structure IN ('A1a', 'A1b', 'A2a', 'A2b', 'A2c')),
    height_m     double precision NOT NULL CHECK (height_m > 0 AND height_m <= 300),
    status       text NOT NULL DEFAULT 'submitted'
                 CHECK (status IN ('submitted', 'approved', 'rejected', 'withdrawn')),
    admin_unit   text NOT NULL DEFAULT '', -- code of the smallest admin unit holding the site
    province     text NOT NULL DEFAULT '', -- code of the province whose rules apply
    verdict      text CHECK (verdict IN ('APPROVE', 'CONDITIONAL', 'CONFLICT')), -- of the latest assessment
    content_hash text NOT NULL CHECK (content_hash <> ''),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (carrier, carrier_kind) REFERENCES organization (code, kind),
    UNIQUE (carrier, site_code, revision),
    UNIQUE (carrier, site_code, content_hash)
);
CREATE INDEX proposal_location_gist ON proposal USING gist (location);
CREATE INDEX proposal_footprint_gist ON proposal USING gist (footprint);
CREATE INDEX proposal_created ON proposal (created_at DESC, id DESC);

CREATE TABLE proposal_antenna (
    proposal_id bigint NOT NULL REFERENCES proposal (id),
    ordinal     integer NOT NULL CHECK (ordinal >= 0),
    azimuth_deg double precision NOT NULL CHECK (azimuth_deg >= 0 AND azimuth_deg < 360),
    tilt_deg    double precision NOT NULL CHECK (tilt_deg >= -90 AND tilt_deg <= 90),
    band_mhz    double precision NOT NULL CHECK (band_mhz > 0),
    eirp_dbm    double precision NOT NULL,
    technology  text NOT NULL CHECK (technology IN ('GSM', 'UMTS', 'LTE', 'NR')),
    PRIMARY KEY (proposal_id, ordinal)
);

-- Assessments: the verdict on one proposal revision, with the exact rule-set
-- version and, in assessment_layer, the exact layer versions it read. The
-- foreign keys keep those layer versions (and so their zones) from being
-- deleted: the decision can be reproduced after any re-import.
CREATE TABLE assessment (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id      bigint NOT NULL REFERENCES proposal (id),
    revision         integer NOT NULL CHECK (revision >= 1),
    verdict          text NOT NULL CHECK (verdict IN ('APPROVE', 'CONDITIONAL', 'CONFLICT')),
    rule_set_version text NOT NULL CHECK (rule_set_version <> ''),
    province         text NOT NULL DEFAULT '',
    admin_unit       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_proposal ON assessment (proposal_id, id DESC);

CREATE TABLE assessment_layer (
    assessment_id bigint NOT NULL REFERENCES assessment (id),
    layer_id      bigint NOT NULL REFERENCES layer (id),
    PRIMARY KEY (assessment_id, layer_id)
);
CREATE INDEX assessment_layer_layer ON assessment_layer (layer_id);

-- Findings: the evidence of an assessment, one row per rule that matched one
-- feature, with the conflicting part of the feature as geometry so that the
-- findings can be exported as GeoJSON.
CREATE TABLE finding (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id  bigint NOT NULL REFERENCES assessment (id),
    ordinal        integer NOT NULL CHECK (ordinal >= 0),
    rule_id        text NOT NULL CHECK (rule_id <> ''),
    severity       text NOT NULL CHECK (severity IN ('conflict', 'condition', 'info')),
    layer_name     text NOT NULL DEFAULT '',
    layer_kind     text NOT NULL DEFAULT '',
    layer_version  integer NOT NULL DEFAULT 0,
    zone_id        bigint REFERENCES zone (id), -- NULL when the finding is about no zone
    feature_name   text NOT NULL DEFAULT '',
    category       text NOT NULL DEFAULT '',
    distance_m     double precision NOT NULL DEFAULT 0,
    overlap_m2     double precision NOT NULL DEFAULT 0,
    limit_m        double precision NOT NULL DEFAULT 0,
    excess_m       double precision NOT NULL DEFAULT 0,
    authority      text REFERENCES organization (code),
    legal_basis    text NOT NULL DEFAULT '',
    message_vi     text NOT NULL DEFAULT '',
    message_en     text NOT NULL DEFAULT '',
    geom           geometry(Geometry, 4326) CHECK (ST_IsValid(geom)),
    UNIQUE (assessment_id, ordinal)
);
CREATE INDEX finding_geom_gist ON finding USING gist (geom);

-- Decisions of the land department's review (the API comes later).
CREATE TABLE decision (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id    bigint NOT NULL REFERENCES proposal (id),
    assessment_id  bigint REFERENCES assessment (id), -- the assessment the reviewer read
    decision       text NOT NULL CHECK (decision IN ('approve', 'reject')),
    reviewer       text NOT NULL CHECK (reviewer <> ''),
    authority      text NOT NULL,
    authority_kind text NOT NULL GENERATED ALWAYS AS ('authority') STORED,
    note           text NOT NULL DEFAULT '',
    signed_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (authority, authority_kind) REFERENCES organization (code, kind)
);
CREATE INDEX decision_proposal ON decision (proposal_id, signed_at);

-- The audit trail: who did what, when, to which proposal.
CREATE TABLE audit_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL CHECK (actor <> ''),
    action      text NOT NULL CHECK (action <> ''),
    proposal_id bigint REFERENCES proposal (id),
    payload     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_proposal ON audit_event (proposal_id, at);
CREATE INDEX audit_event_at ON audit_event (at);
