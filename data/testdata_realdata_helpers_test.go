package data_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"btsplan/data"
	"btsplan/planning"
)

// This file loads the real Vĩnh Phúc data of /work/shared/data/vn (see its
// SOURCES.md) into a throwaway schema for realdata_test.go. The files are
// read where they lie, never copied into the project.

// The files the real-data test reads, relative to the shared data folder.
const (
	vnProvincesFile = "vn/admin/provinces_vinhphuc_and_neighbours.geojson"
	vnDistrictsFile = "vn/admin/districts_vinhphuc_and_neighbours.geojson"
	vnProtectedFile = "vn/osm/protected_areas.geojson"
	vnLandUseFile   = "vn/osm/landuse.geojson"
	vnRoadsFile     = "vn/roads/national_roads_vn_clip.geojson"
)

// The admin polygons describe the units before the reform of 2025-07-01,
// which abolished the districts and merged Vĩnh Phúc into Phú Thọ. They are
// loaded as in force from the date of the polygons (the dvhcvn commit of
// 2019-10-18) until the reform, and the service's clock is set inside that
// period.
var (
	vnAdminFrom    = time.Date(2019, 10, 18, 0, 0, 0, 0, time.UTC)
	vnReform       = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	vnBeforeReform = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	vnAfterReform  = time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC)
)

// vnLandUseMap maps the OSM "fclass" of osm/landuse.geojson (Geofabrik's
// name for the landuse tag) to land-use codes of Circular 08/2024. Every
// value in the file is listed: a value missing from the map fails the
// import, so a new value in the data shows up here.
var vnLandUseMap = map[string]string{
	"residential":    "ONT", // rural residential land
	"farm":           "HNK", // other annual-crop land
	"forest":         "RSX", // production forest
	"military":       "CQP", // defence land
	"cemetery":       "NTD", // cemetery and funeral land
	"industrial":     "SKC", // non-agricultural production
	"retail":         "TMD", // commercial and service land
	"park":           "DKV", // public recreation land
	"grass":          "PNK", // other non-agricultural land
	"nature_reserve": "RDD", // the national parks: special-use forest
}

// vnRoadMap maps "loai_duong" of the national road file to corridor
// categories: its main roads are all national roads (QL...), the rest are
// railways.
var vnRoadMap = map[string]string{
	"Đường chính": "road_national",
	"Đường sắt":   "rail",
}

// vnFixture is the real data loaded into one schema, with a planning.Service
// wired over the real data stores.
type vnFixture struct {
	stores
	svc   *planning.Service
	paths map[string]string // file constant → path
}

// newVNFixture finds the shared files (failing under CI, skipping
// otherwise when they are missing), imports them and wires the service
// with its clock at clock.
func newVNFixture(t *testing.T, ctx context.Context, clock time.Time) vnFixture {
	t.Helper()
	paths := map[string]string{}
	for _, rel := range []string{vnProvincesFile, vnDistrictsFile, vnProtectedFile, vnLandUseFile, vnRoadsFile} {
		paths[rel] = sharedData(t, rel)
	}
	s := newStores(t)
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatalf("LoadRuleBook: %v", err)
	}
	layers := data.NewLayerStore(s.db, book)
	svc := planning.NewService(planning.ServiceConfig{}, book, s.zones, s.proposals, s.admin, s.orgs, layers,
		func() time.Time { return clock })
	if err := svc.CheckRules(ctx); err != nil {
		t.Fatalf("CheckRules against the migrated organizations: %v", err)
	}
	f := vnFixture{stores: s, svc: svc, paths: paths}

	to := vnReform
	f.importAdmin(t, ctx, vnProvincesFile, data.AdminSpec{Level: "province", CodeField: "level1_id",
		ValidFrom: vnAdminFrom, ValidTo: &to}, 5)
	f.importAdmin(t, ctx, vnDistrictsFile, data.AdminSpec{Level: "district", CodeField: "level2_id", ParentField: "level1_id",
		ValidFrom: vnAdminFrom, ValidTo: &to}, 36)

	const osm, osmLicence = "OpenStreetMap via Geofabrik, 2018-01-03", "ODbL 1.0"
	f.importLayer(t, ctx, vnProtectedFile, planning.LayerSpec{Kind: planning.KindProtectedArea, Name: "osm-protected-areas",
		Category: "national_park", Source: osm, Licence: osmLicence}, 2, nil)
	f.importLayer(t, ctx, vnLandUseFile, planning.LayerSpec{Kind: planning.KindLandUse, Name: "osm-landuse",
		CategoryField: "fclass", CategoryMap: vnLandUseMap, Source: osm, Licence: osmLicence}, 92, nil)
	// Feature 8 (a part of QL37) has a two-point component collapsed to
	// one point: ST_MakeValid drops it and keeps the rest.
	f.importLayer(t, ctx, vnRoadsFile, planning.LayerSpec{Kind: planning.KindCorridor, Name: "national-roads",
		CategoryField: "loai_duong", CategoryMap: vnRoadMap, NameField: "ten",
		Source: "CTU-SematX/LegoCity opendata/giaothong", Licence: "CC BY-SA 4.0"}, 29, []int{8})
	return f
}

func (f vnFixture) importAdmin(t *testing.T, ctx context.Context, rel string, spec data.AdminSpec, wantUnits int) {
	t.Helper()
	r, err := os.Open(f.paths[rel])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := f.admin.ImportAdminUnits(ctx, spec, r)
	if err != nil {
		t.Fatalf("ImportAdminUnits(%s): %v", rel, err)
	}
	if rep.Units != wantUnits || len(rep.Repairs) != 0 {
		t.Fatalf("ImportAdminUnits(%s) = %d units, repairs %v; want %d units, no repairs", rel, rep.Units, rep.Repairs, wantUnits)
	}
}

func (f vnFixture) importLayer(t *testing.T, ctx context.Context, rel string, spec planning.LayerSpec, wantFeatures int, wantRepairs []int) {
	t.Helper()
	r, err := os.Open(f.paths[rel])
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := f.svc.ImportLayer(ctx, spec, r, nil)
	if err != nil {
		t.Fatalf("ImportLayer(%s): %v", rel, err)
	}
	var repaired []int
	for _, rp := range rep.Repairs {
		repaired = append(repaired, rp.Index)
	}
	if rep.Features != wantFeatures || fmt.Sprint(repaired) != fmt.Sprint(wantRepairs) {
		t.Fatalf("ImportLayer(%s) = %d features, repairs %v; want %d features, repairs %v", rel, rep.Features, rep.Repairs, wantFeatures, wantRepairs)
	}
}

// vnFeature is one feature of a shared file as written there: its name
// property and its geometry as raw GeoJSON.
type vnFeature struct {
	Name     string
	Geometry json.RawMessage
}

// fileFeature returns the only feature of file rel whose property key is
// value, read straight from the file, so that the test compares with the
// source and not with what the import made of it.
func (f vnFixture) fileFeature(t *testing.T, rel, nameKey, key, value string) vnFeature {
	t.Helper()
	b, err := os.ReadFile(f.paths[rel])
	if err != nil {
		t.Fatal(err)
	}
	var coll struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &coll); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	var out []vnFeature
	for _, ft := range coll.Features {
		if fmt.Sprint(ft.Properties[key]) == value {
			name, _ := ft.Properties[nameKey].(string)
			out = append(out, vnFeature{Name: name, Geometry: ft.Geometry})
		}
	}
	if len(out) != 1 {
		t.Fatalf("%s has %d features with %s = %s, want 1", rel, len(out), key, value)
	}
	return out[0]
}
