package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"btsplan/api"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// The fixture: a commune of Hà Giang with one special-use forest (a
// conflict for any site inside it) and one national road nearby.
var (
	testNow = time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)

	// haGiang is the province's box; communeBox the commune's, inside it.
	haGiang    = orb.Bound{Min: orb.Point{104.3, 22.1}, Max: orb.Point{105.6, 23.4}}
	forestArea = orb.Polygon{{{104.97, 22.82}, {104.99, 22.82}, {104.99, 22.84}, {104.97, 22.84}, {104.97, 22.82}}}

	// inForest is a site inside the forest; clear a site far from both zones.
	inForest = orb.Point{104.98, 22.83}
	clear    = orb.Point{105.2, 22.5}
)

const (
	forestName = "Rừng đặc dụng Bát Đại Sơn"
	forestID   = 901
	landuseLyr = "quy-hoach-sdd-2030"
	authority  = "SNNMT"
	authName   = "Sở Nông nghiệp và Môi trường tỉnh Hà Giang"
)

var orgs = []planning.Organization{
	{Code: "452-04", Name: "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)", Kind: "carrier"},
	{Code: "452-01", Name: "Tổng công ty Viễn thông MobiFone", Kind: "carrier"},
	{Code: authority, Name: authName, Kind: "authority"},
}

// memProposals is an in-memory ProposalStore that keeps the contract of
// planning.ProposalStore: IDs, revisions, and Exists for a content hash
// already stored for the same carrier and site code.
type memProposals struct {
	mu          sync.Mutex
	proposals   []planning.Proposal
	assessments map[int64]planning.Assessment
	hashes      map[string]int64
	creates     int // calls of CreateProposal, stored or not
	lastFilter  planning.ProposalFilter
	// earlier are assessments a proposal had before its latest, newest
	// first (a test sets them: the re-evaluation is the job's).
	earlier map[int64][]planning.Assessment
}

func (m *memProposals) store() *planningtest.ProposalStore {
	return &planningtest.ProposalStore{
		CreateProposalFunc: func(_ context.Context, p *planning.Proposal, a *planning.Assessment, hash string) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.creates++
			key := p.Site.Carrier + "\x00" + p.Site.Code + "\x00" + hash
			if id, ok := m.hashes[key]; ok {
				return &planning.Error{Kind: planning.Exists, Err: &planning.DuplicateError{ProposalID: id}}
			}
			p.ID = int64(len(m.proposals) + 1)
			p.Revision = 1
			for _, q := range m.proposals {
				if q.Site.Carrier == p.Site.Carrier && q.Site.Code == p.Site.Code {
					p.Revision++
				}
			}
			p.CreatedAt, p.UpdatedAt = testNow, testNow
			a.ID, a.ProposalID, a.Revision = p.ID+1000, p.ID, p.Revision
			m.proposals = append(m.proposals, *p)
			m.assessments[p.ID] = *a
			m.hashes[key] = p.ID
			return nil
		},
		ProposalFunc: func(_ context.Context, id int64) (planning.Proposal, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			if id < 1 || id > int64(len(m.proposals)) {
				return planning.Proposal{}, planning.Errorf(planning.NotFound, "proposal %d not found", id)
			}
			return m.proposals[id-1], nil
		},
		AssessmentFunc: func(_ context.Context, id int64) (planning.Assessment, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			a, ok := m.assessments[id]
			if !ok {
				return planning.Assessment{}, planning.Errorf(planning.NotFound, "assessment of proposal %d not found", id)
			}
			return a, nil
		},
		AssessmentsFunc: func(_ context.Context, id int64) ([]planning.Assessment, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			if a, ok := m.assessments[id]; ok {
				return append([]planning.Assessment{a}, m.earlier[id]...), nil
			}
			return nil, nil
		},
		ProposalsFunc: func(_ context.Context, f planning.ProposalFilter) ([]planning.Proposal, int, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.lastFilter = f
			var all []planning.Proposal
			for _, p := range m.proposals {
				switch {
				case f.Carrier != "" && p.Site.Carrier != f.Carrier,
					f.Status != "" && p.Status != f.Status,
					f.Verdict != "" && p.Verdict != f.Verdict,
					f.AdminUnit != "" && p.AdminUnit != f.AdminUnit,
					f.BBox != nil && !f.BBox.Contains(p.Site.Location):
					continue
				}
				all = append(all, p)
			}
			lo, hi := min(f.Offset, len(all)), min(f.Offset+f.Limit, len(all))
			return all[lo:hi], len(all), nil
		},
	}
}

func (m *memProposals) createCalls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.creates
}

// testAPI is a handler over a real planning.Service on fakes.
type testAPI struct {
	h      http.Handler
	props  *memProposals
	zones  *planningtest.ZoneStore
	layers *planningtest.LayerStore
	logs   *bytes.Buffer
}

type option func(*api.Config, *testAPI)

func newTestAPI(t *testing.T, opts ...option) *testAPI {
	t.Helper()
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatalf("LoadRuleBook: %v", err)
	}
	ta := &testAPI{
		props: &memProposals{assessments: map[int64]planning.Assessment{}, hashes: map[string]int64{}},
		logs:  &bytes.Buffer{},
	}
	ta.zones = &planningtest.ZoneStore{
		CurrentLayerVersionsFunc: func(context.Context) (map[string]int, error) {
			return map[string]int{landuseLyr: 3, "giao-thong": 1}, nil
		},
		ZonesNearFunc: func(_ context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error) {
			if !planar.PolygonContains(forestArea, q.Location) {
				return nil, nil
			}
			return []planning.ZoneHit{{
				ZoneID: forestID, LayerName: landuseLyr, LayerKind: planning.KindLandUse, LayerVersion: 3,
				Category: "RDD", Name: forestName,
			}}, nil
		},
		ConflictGeometryFunc: func(_ context.Context, zoneID int64, loc orb.Point, _ orb.Polygon, radiusM float64) (orb.Geometry, error) {
			if zoneID != forestID {
				return nil, planning.Errorf(planning.NotFound, "zone %d", zoneID)
			}
			d := radiusM / 111000
			return orb.Polygon{{{loc[0] - d, loc[1] - d}, {loc[0] + d, loc[1] - d}, {loc[0] + d, loc[1] + d}, {loc[0] - d, loc[1] + d}, {loc[0] - d, loc[1] - d}}}, nil
		},
	}
	admin := &planningtest.AdminStore{UnitsAtFunc: func(_ context.Context, p orb.Point, _ time.Time) ([]planning.AdminUnit, error) {
		if !haGiang.Contains(p) {
			return nil, nil
		}
		return []planning.AdminUnit{
			{Code: "HG-DV-LC", Name: "Xã Lũng Cú", Level: "commune", Parent: "HG"},
			{Code: "HG", Name: "Tỉnh Hà Giang", Level: "province"},
		}, nil
	}}
	ta.layers = &planningtest.LayerStore{}
	cfg := api.Config{
		Orgs: &planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(orgs...)},
		Now:  func() time.Time { return testNow },
		Auth: testAuth,
	}
	for _, o := range opts {
		o(&cfg, ta)
	}
	svc := planning.NewService(planning.ServiceConfig{}, book, ta.zones, ta.props.store(),
		admin, &planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(orgs...)}, ta.layers,
		func() time.Time { return testNow })
	log := slog.New(slog.NewJSONHandler(ta.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ta.h = authed(api.NewHandler(log, cfg, svc))
	return ta
}

// do sends one request and returns the recorded response.
func (ta *testAPI) do(t *testing.T, method, target string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	ta.h.ServeHTTP(rec, req)
	return rec
}

// siteBody is a valid site body as a map, for cases to break.
func siteBody(loc orb.Point) map[string]any {
	return map[string]any{
		"type":     "Feature",
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{loc[0], loc[1]}},
		"properties": map[string]any{
			"carrier":   "452-04",
			"site_code": "HGG-Đồng Văn-01",
			"structure": "A2b",
			"height_m":  36.0,
			"antennas": []map[string]any{
				{"azimuth_deg": 0, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"},
				{"azimuth_deg": 120, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"},
			},
		},
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// problemBody is an RFC 9457 problem as the API writes it.
type problemBody struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	Field     string `json:"field"`
	Existing  string `json:"existing"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

func (p problemBody) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// decodeProblem checks that rec is a problem with the status and returns it.
func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder, wantStatus int) problemBody {
	t.Helper()
	if rec.Code != wantStatus {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, wantStatus, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemBody
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %s: %v", rec.Body, err)
	}
	if p.Status != wantStatus || p.Type == "" || p.Title == "" || p.Detail == "" || p.Instance == "" {
		t.Errorf("problem %+v: want type, title, detail, instance and status %d", p, wantStatus)
	}
	if p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-ID") {
		t.Errorf("problem request_id = %q, X-Request-ID = %q: want the same, non-empty", p.RequestID, rec.Header().Get("X-Request-ID"))
	}
	return p
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// decodeFC decodes a GeoJSON FeatureCollection response.
func decodeFC(t *testing.T, rec *httptest.ResponseRecorder) *geojson.FeatureCollection {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
		t.Errorf("Content-Type = %q, want application/geo+json", ct)
	}
	fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("not a FeatureCollection: %v; body %s", err, rec.Body)
	}
	return fc
}
