package planning_test

import (
	"context"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// The bad-input audit (issue 2 "Bad input") at the domain's edge: what
// Check and Submit refuse before any store is written (the API tests cover
// the wire format), what ImportLayer refuses before the store is asked, and
// an unknown category code in the rule files as LoadRuleBook reads them.

// TestSubmitRefusesBadSites submits each kind of bad site and checks that
// the error is Invalid naming the field, and that nothing was written or
// even looked up that the mistake makes pointless.
func TestSubmitRefusesBadSites(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name      string
		edit      func(*planning.Site)
		noAdmin   bool // no admin unit holds the site
		wantField string
		wantMsg   string
		asksOrgs  bool // the carrier lookup runs (the site itself is valid)
		asksAdmin bool
	}{
		{name: "NaN latitude", edit: func(s *planning.Site) { s.Location[1] = nan }, wantField: planning.FieldCoordinates, wantMsg: "not a finite number"},
		{name: "infinite longitude", edit: func(s *planning.Site) { s.Location[0] = -inf }, wantField: planning.FieldCoordinates, wantMsg: "not a finite number"},
		{name: "lon and lat swapped", edit: func(s *planning.Site) { s.Location, s.Footprint = orb.Point{s.Location[1], s.Location[0]}, nil },
			wantField: planning.FieldCoordinates, wantMsg: "swapped"},
		{name: "longitude out of range", edit: func(s *planning.Site) { s.Location, s.Footprint = orb.Point{181, 21.46}, nil },
			wantField: planning.FieldCoordinates, wantMsg: "longitude 181"},
		{name: "latitude out of range", edit: func(s *planning.Site) { s.Location, s.Footprint = orb.Point{105.64, -90.5}, nil },
			wantField: planning.FieldCoordinates, wantMsg: "latitude -90.5"},
		{name: "height 0", edit: func(s *planning.Site) { s.HeightM = 0 }, wantField: planning.FieldHeight, wantMsg: "minimum"},
		{name: "negative height", edit: func(s *planning.Site) { s.HeightM = -0.5 }, wantField: planning.FieldHeight, wantMsg: "minimum"},
		{name: "just above 300 m", edit: func(s *planning.Site) { s.HeightM = math.Nextafter(planning.MaxHeightM, 400) }, wantField: planning.FieldHeight, wantMsg: "maximum"},
		{name: "infinite height", edit: func(s *planning.Site) { s.HeightM = inf }, wantField: planning.FieldHeight, wantMsg: "not a finite number"},
		{name: "self-intersecting footprint", edit: func(s *planning.Site) {
			r := s.Footprint[0]
			s.Footprint = orb.Polygon{{r[0], r[2], r[1], r[3], r[0]}}
		}, wantField: planning.FieldFootprint, wantMsg: "self-intersection"},
		{name: "footprint with a hole outside it", edit: func(s *planning.Site) {
			s.Footprint = append(s.Footprint, square(orb.Point{siteLoc[0] + 0.001, siteLoc[1]}, 2)[0])
		}, wantField: planning.FieldFootprint, wantMsg: "invalid footprint"},
		{name: "zero-area footprint", edit: func(s *planning.Site) {
			p := s.Location
			s.Footprint = orb.Polygon{{p, {p[0] + 1e-4, p[1]}, {p[0] + 2e-4, p[1]}, p}}
		}, wantField: planning.FieldFootprint, wantMsg: "invalid footprint"},
		{name: "unknown carrier", edit: func(s *planning.Site) { s.Carrier = "452-99" }, wantField: planning.FieldCarrier, wantMsg: "unknown carrier", asksOrgs: true},
		{name: "an authority as carrier", edit: func(s *planning.Site) { s.Carrier = "BQLVQG" }, wantField: planning.FieldCarrier, wantMsg: "not a carrier", asksOrgs: true},
		{name: "outside every admin unit", noAdmin: true, wantField: planning.FieldCoordinates, wantMsg: "outside every admin unit", asksOrgs: true, asksAdmin: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := validSite()
			site.Footprint = orb.Polygon{slices.Clone(site.Footprint[0])}
			if tt.edit != nil {
				tt.edit(&site)
			}
			st := newStores(nil)
			var asked []string
			orgs := st.orgs.OrganizationFunc
			st.orgs.OrganizationFunc = func(ctx context.Context, code string) (planning.Organization, error) {
				asked = append(asked, "orgs")
				return orgs(ctx, code)
			}
			st.admin.UnitsAtFunc = func(context.Context, orb.Point, time.Time) ([]planning.AdminUnit, error) {
				asked = append(asked, "admin")
				if tt.noAdmin {
					return nil, nil
				}
				return units, nil
			}
			st.zones.ZonesNearFunc = func(context.Context, planning.ZoneQuery) ([]planning.ZoneHit, error) {
				t.Errorf("ZonesNear called for a bad site")
				return nil, nil
			}
			st.props.CreateProposalFunc = func(context.Context, *planning.Proposal, *planning.Assessment, string) error {
				t.Errorf("CreateProposal called for a bad site")
				return nil
			}
			_, _, err := st.service(defaultBook(t)).Submit(context.Background(), site)
			if planning.KindOf(err) != planning.Invalid || !slices.Contains(planning.Fields(err), tt.wantField) {
				t.Fatalf("Submit error = %v (kind %v, fields %v), want Invalid at %s", err, planning.KindOf(err), planning.Fields(err), tt.wantField)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Submit error = %q, want it to mention %q", err, tt.wantMsg)
			}
			if got := slices.Contains(asked, "orgs"); got != tt.asksOrgs {
				t.Errorf("carrier looked up: %v, want %v", got, tt.asksOrgs)
			}
			if got := slices.Contains(asked, "admin"); got != tt.asksAdmin {
				t.Errorf("admin units looked up: %v, want %v", got, tt.asksAdmin)
			}
		})
	}
}

// TestImportLayerRefusesBadSpecs adds the cases TestImportLayerSpec leaves
// out; none may reach the store.
func TestImportLayerRefusesBadSpecs(t *testing.T) {
	tests := []struct {
		name      string
		spec      planning.LayerSpec
		wantField string
	}{
		{"SRID beyond any EPSG code", planning.LayerSpec{Kind: planning.KindLandUse, Name: "x", Category: "RDD", SRID: math.MaxInt32 + 1}, "srid"},
		{"blank name", planning.LayerSpec{Kind: planning.KindLandUse, Name: " \t", Category: "RDD"}, "name"},
		{"category and category field both", planning.LayerSpec{Kind: planning.KindLandUse, Name: "x", Category: "RDD", CategoryField: "ma"}, "category"},
		{"land-use code given to a corridor", planning.LayerSpec{Kind: planning.KindCorridor, Name: "x", Category: "RDD"}, "category"},
		{"category map to a code not in the rule book", planning.LayerSpec{Kind: planning.KindLandUse, Name: "x", CategoryField: "ma",
			CategoryMap: map[string]string{"Đất rừng đặc dụng": "RDD", "Đất trồng lúa": "LUA"}}, "category_map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStores(nil)
			st.layers.ImportLayerFunc = func(context.Context, planning.LayerSpec, io.Reader, func(int, int64)) (planning.ImportReport, error) {
				t.Errorf("the store was asked to import a bad spec")
				return planning.ImportReport{}, nil
			}
			_, err := st.service(defaultBook(t)).ImportLayer(context.Background(), tt.spec, strings.NewReader("{}"), nil)
			if planning.KindOf(err) != planning.Invalid || !slices.Contains(planning.Fields(err), tt.wantField) {
				t.Errorf("ImportLayer(%+v) = %v, want Invalid naming %q", tt.spec, err, tt.wantField)
			}
		})
	}
}

// TestUnknownCategoryInRuleFiles: an unknown category code in a rule is
// named with its file, line and path whether it is in the national file or
// in a province file read from disk by LoadRuleBook.
func TestUnknownCategoryInRuleFiles(t *testing.T) {
	national := "schema: 1\n" + // 1
		"categories:\n" + // 2
		"  landuse:\n" + // 3
		"    - {code: RDD, group: NNP, vi: \"Đất rừng đặc dụng\", en: special-use forest}\n" + // 4
		"rules:\n" + // 5
		"  - id: rdd-inside\n" + // 6
		"    kinds: [landuse]\n" + // 7
		"    categories: [RDD, RDX]\n" + // 8
		"    effect: prohibited\n" + // 9
		"    test: inside\n" + // 10
		"    legal_basis: \"Luật Lâm nghiệp 2017\"\n" + // 11
		"    message: {vi: \"Trạm nằm trong {feature}\", en: \"Site is inside {feature}\"}\n" // 12
	_, err := planning.ParseRuleBook(planning.RuleFile{Name: "rules/national.yaml", Data: []byte(national)})
	wantRuleError(t, err, "rules/national.yaml", 8, "rules[0].categories[1]", `unknown category code "RDX"`)

	province := provinceHeader + strings.Replace(goodRule, "categories: [SKS]", "categories: [SKS, road_national, XYZ]", 1)
	_, err = planning.LoadRuleBook(fstest.MapFS{"vinh-phuc/26.yaml": {Data: []byte(province)}})
	wantRuleError(t, err, "vinh-phuc/26.yaml", 6, "rules[0].categories[1]", `unknown category code "road_national" for layer kinds landuse`)
	wantRuleError(t, err, "vinh-phuc/26.yaml", 6, "rules[0].categories[2]", `unknown category code "XYZ"`)
}

func wantRuleError(t *testing.T, err error, file string, line int, path, msg string) {
	t.Helper()
	if planning.KindOf(err) != planning.Invalid {
		t.Errorf("error = %v, want Invalid", err)
	}
	for _, re := range planning.RuleErrors(err) {
		if re.File == file && re.Line == line && re.Path == path && strings.Contains(re.Msg, msg) {
			return
		}
	}
	t.Errorf("error = %v\nwant %s:%d: %s: ...%s...", err, file, line, path, msg)
}
