package data_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/planning"
)

// The bad-input audit (issue 2 "Bad input") for what data/ itself must
// refuse: admin-unit imports (the layer import's cases are in
// TestImportLayerRejectsBadInput) and proposals that reach the store.

func TestImportAdminUnitsRejectsBadInput(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	before := from.AddDate(0, 0, -1)
	unit := func(code string) string {
		return feat(`{"ma": "`+code+`", "ten": "Tỉnh Vĩnh Phúc"}`, square(105.3, 21.1, 0.5))
	}
	withCRS := func(name string) string {
		return `{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "` + name + `"}}, "features": [` + unit("26") + `]}`
	}
	// One unit is in force from 2020 on: an import overlapping it is Exists.
	if _, err := s.admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", NameField: "ten", ValidFrom: from},
		strings.NewReader(fc(unit("25")))); err != nil {
		t.Fatalf("import the unit in force: %v", err)
	}
	tests := []struct {
		name      string
		spec      data.AdminSpec // Level, CodeField and ValidFrom default to province, "ma", from
		body      string
		wantKind  planning.Kind
		wantField string
		wantMsg   string
	}{
		{name: "not GeoJSON", body: "ma,ten\n26,Vĩnh Phúc\n", wantField: "", wantMsg: "not GeoJSON"},
		{name: "a Feature, not a collection", body: unit("26"), wantField: "/type", wantMsg: "not a FeatureCollection"},
		{name: "no features", body: fc(), wantField: "/features", wantMsg: "no features"},
		{name: "feature with no geometry", body: fc(unit("26"), feat(`{"ma": "27"}`, `null`)), wantField: "/features/1/geometry", wantMsg: "feature 1 has no geometry"},
		{name: "a line, not a polygon", body: fc(feat(`{"ma": "26"}`, `{"type": "LineString", "coordinates": [[105.3, 21.1], [105.8, 21.6]]}`)),
			wantField: "/features/0/geometry", wantMsg: "must be a Polygon or MultiPolygon, not a LineString"},
		{name: "a point, not a polygon", body: fc(feat(`{"ma": "26"}`, `{"type": "Point", "coordinates": [105.3, 21.1]}`)),
			wantField: "/features/0/geometry", wantMsg: "not a Point"},
		{name: "NaN coordinate", body: fc(feat(`{"ma": "26"}`, `{"type": "Polygon", "coordinates": [[[NaN, 21.1], [105.8, 21.1], [105.8, 21.6], [NaN, 21.1]]]}`)),
			wantField: "/features/0", wantMsg: "invalid character 'N'"},
		{name: "polygon collapsed beyond repair", body: fc(unit("26"), feat(`{"ma": "27"}`, `{"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.41], [105.62, 21.42], [105.6, 21.4]]]}`)),
			wantField: "/features/1/geometry", wantMsg: "no area or length"},
		{name: "no unit code", body: fc(feat(`{"ten": "Vĩnh Phúc"}`, square(105.3, 21.1, 0.5))), wantField: "/features/0/properties", wantMsg: `no unit code in property "ma"`},
		{name: "unit code twice", body: fc(unit("26"), unit("26")), wantField: "/features/1/properties", wantMsg: "also the code of feature 0"},
		{name: "crs naming an unknown EPSG code", body: withCRS("urn:ogc:def:crs:EPSG::999999"), wantField: "/crs", wantMsg: "unknown SRID 999999"},
		{name: "crs that is not EPSG", body: withCRS("urn:ogc:def:crs:ESRI::102100"), wantField: "/crs", wantMsg: "not supported"},
		{name: "srid unknown", spec: data.AdminSpec{SRID: 999999}, body: fc(unit("26")), wantField: "srid", wantMsg: "unknown SRID 999999"},
		{name: "srid negative", spec: data.AdminSpec{SRID: -1}, body: fc(unit("26")), wantField: "srid", wantMsg: "not an EPSG code"},
		{name: "srid and crs disagree", spec: data.AdminSpec{SRID: 9210}, body: withCRS("EPSG:5897"), wantField: "srid", wantMsg: "EPSG:5897"},
		{name: "over the size limit", spec: data.AdminSpec{MaxBytes: 200}, body: fc(unit("26"), unit("27")), wantField: "", wantMsg: "size limit of 200 bytes"},
		{name: "no level", spec: data.AdminSpec{Level: "-"}, body: fc(unit("26")), wantField: "level"},
		{name: "no code field", spec: data.AdminSpec{CodeField: "-"}, body: fc(unit("26")), wantField: "code_field"},
		{name: "no first day", spec: data.AdminSpec{ValidFrom: time.Time{}}, body: fc(unit("26")), wantField: "valid_from"},
		{name: "ends before it starts", spec: data.AdminSpec{ValidTo: &before}, body: fc(unit("26")), wantField: "valid_to", wantMsg: "not after valid_from"},
		{name: "period overlaps a unit in force", body: fc(unit("26"), unit("25")), wantKind: planning.Exists, wantField: "/features/1/properties", wantMsg: "unit 25 is already in force"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			switch spec.Level {
			case "":
				spec.Level = "province"
			case "-":
				spec.Level = ""
			}
			switch spec.CodeField {
			case "":
				spec.CodeField = "ma"
			case "-":
				spec.CodeField = ""
			}
			if spec.ValidFrom.IsZero() && tc.name != "no first day" {
				spec.ValidFrom = from
			}
			_, err := s.admin.ImportAdminUnits(ctx, spec, strings.NewReader(tc.body))
			wantKind := tc.wantKind
			if wantKind == planning.Internal {
				wantKind = planning.Invalid
			}
			if got := planning.KindOf(err); err == nil || got != wantKind {
				t.Fatalf("ImportAdminUnits(%s) error = %v (kind %v), want kind %v", tc.name, err, got, wantKind)
			}
			if got := planning.FieldOf(err); got != tc.wantField {
				t.Errorf("FieldOf(%v) = %q, want %q", err, got, tc.wantField)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tc.wantMsg)
			}
			wantPlain(t, err)
			if n := count(t, s.pool, "SELECT count(*) FROM admin_unit"); n != 1 {
				t.Errorf("admin_unit rows after a refused import = %d, want the 1 unit in force", n)
			}
		})
	}
}

// TestImportWrongCRS: a file in projected metres (VN-2000 easting and
// northing) without a "crs" member or an SRID would be read as EPSG:4326;
// its coordinates lie far outside [-180, 180] × [-90, 90], and the import
// refuses it, naming the feature, instead of letting PostGIS's geography
// cast wrap it into a polygon spanning 280° of longitude.
func TestImportWrongCRS(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	metres := fc(feat(`{"ma": "26"}`, `{"type": "Polygon", "coordinates": [[[587000, 2370000], [588000, 2370000], [588000, 2371000], [587000, 2370000]]]}`))
	_, err := s.layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindLandUse, Name: "metres", Category: "RDD"}, strings.NewReader(metres), nil)
	if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != "/features/0/geometry" {
		t.Errorf("ImportLayer(metres as degrees) error = %v, want Invalid at /features/0/geometry", err)
	}
	_, err = s.admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", ValidFrom: time.Now()}, strings.NewReader(metres))
	if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != "/features/0/geometry" {
		t.Errorf("ImportAdminUnits(metres as degrees) error = %v, want Invalid at /features/0/geometry", err)
	}
}

func TestUnitsAtRejectsBadPoint(t *testing.T) {
	s := newStores(t)
	for _, p := range []orb.Point{{math.NaN(), 21}, {105, math.Inf(1)}, {21.4, 105.6}, {-181, 0}} {
		_, err := s.admin.UnitsAt(context.Background(), p, time.Now())
		if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != "location" {
			t.Errorf("UnitsAt(%v) error = %v, want Invalid at location", p, err)
		}
	}
}

// TestCreateProposalRejectsBadInput: the schema refuses what the service
// already refuses (the site is planning's to check, once), with nothing
// stored; and a duplicate is Exists naming the stored proposal.
func TestCreateProposalRejectsBadInput(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	good := func() (*planning.Proposal, *planning.Assessment) {
		return &planning.Proposal{Site: planning.Site{
				Carrier: "452-04", Code: "VPC-Tam Đảo-01", Location: orb.Point{105.64, 21.46},
				Structure: planning.StructureA2b, HeightM: 36,
			}}, &planning.Assessment{
				Verdict: planning.Approve, RuleSetVersion: "national@0123456789abcdef",
			}
	}
	p, a := good()
	if err := s.proposals.CreateProposal(ctx, p, a, "hash-1"); err != nil {
		t.Fatalf("CreateProposal(good) error: %v", err)
	}
	first := p.ID

	tests := []struct {
		name      string
		edit      func(*planning.Proposal, *planning.Assessment)
		hash      string
		wantKind  planning.Kind
		wantField string
	}{
		{"the same content again", nil, "hash-1", planning.Exists, ""},
		{"unknown carrier", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.Carrier = "452-99" }, "h", planning.Invalid, "/carrier"},
		{"an authority as carrier", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.Carrier = "SNNMT" }, "h", planning.Invalid, "/carrier"},
		{"height 0", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.HeightM = 0 }, "h", planning.Invalid, ""},
		{"height above 300 m", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.HeightM = 301 }, "h", planning.Invalid, ""},
		{"NaN height", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.HeightM = math.NaN() }, "h", planning.Invalid, ""},
		{"unknown structure", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.Structure = "A3" }, "h", planning.Invalid, ""},
		{"no site code", func(p *planning.Proposal, _ *planning.Assessment) { p.Site.Code = "" }, "h", planning.Invalid, ""},
		{"no content hash", nil, "", planning.Invalid, "content_hash"},
		{"a layer version never imported", func(_ *planning.Proposal, a *planning.Assessment) { a.LayerVersions = map[string]int{"quy-hoach": 3} }, "h", planning.Invalid, "layer_versions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, a := good()
			if tc.edit != nil {
				tc.edit(p, a)
			}
			err := s.proposals.CreateProposal(ctx, p, a, tc.hash)
			if planning.KindOf(err) != tc.wantKind || planning.FieldOf(err) != tc.wantField {
				t.Fatalf("CreateProposal error = %v (kind %v, field %q), want kind %v, field %q",
					err, planning.KindOf(err), planning.FieldOf(err), tc.wantKind, tc.wantField)
			}
			if tc.wantKind == planning.Exists {
				var dup *planning.DuplicateError
				if !errors.As(err, &dup) || dup.ProposalID != first {
					t.Errorf("duplicate error %v, want a *planning.DuplicateError naming proposal %d", err, first)
				}
			}
			for table, want := range map[string]int{"proposal": 1, "assessment": 1, "assessment_layer": 0, "finding": 0} {
				if n := count(t, s.pool, "SELECT count(*) FROM "+table); n != want {
					t.Errorf("%s rows after a refused proposal = %d, want %d", table, n, want)
				}
			}
		})
	}
}
