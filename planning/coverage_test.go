package planning_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

var covSite = orb.Point{105.6, 21.4}

// flatTerrain is a fake TerrainSource: flat ground at 20 m, 3" cells,
// covering the asked disc, under a version the test may change.
type flatTerrain struct {
	mu      sync.Mutex
	version string
	calls   int
}

func (f *flatTerrain) source() *planningtest.TerrainSource {
	return &planningtest.TerrainSource{WindowFunc: func(_ context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls++
		const d = 1.0 / 1200
		lonM, latM := geo.MetresPerDegree(lat)
		nx := int(2*radiusM/(d*lonM)) + 4
		ny := int(2*radiusM/(d*latM)) + 4
		g, err := geo.NewGrid(nx, ny, lon-float64(nx)/2*d, lat+float64(ny)/2*d, d, d)
		if err != nil {
			return nil, planning.TerrainInfo{}, err
		}
		for i := range g.Pix {
			g.Pix[i] = 20
		}
		return g, planning.TerrainInfo{Version: f.version, Tiles: []string{"N21E105"}, StepLonDeg: d, StepLatDeg: d}, nil
	}, InfoFunc: func(context.Context, float64, float64, float64) (planning.TerrainInfo, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		const d = 1.0 / 1200
		return planning.TerrainInfo{Version: f.version, Tiles: []string{"N21E105"}, StepLonDeg: d, StepLatDeg: d}, nil
	}}
}

// memCoverages is an in-memory CoverageStore.
type memCoverages struct {
	mu     sync.Mutex
	byID   map[int64]planning.Coverage
	links  map[int64]int64 // assessment → coverage
	saves  int
	lookup int
}

func newMemCoverages() *memCoverages {
	return &memCoverages{byID: map[int64]planning.Coverage{}, links: map[int64]int64{}}
}

func (m *memCoverages) store() *planningtest.CoverageStore {
	return &planningtest.CoverageStore{
		SaveCoverageFunc: func(_ context.Context, c *planning.Coverage) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.saves++
			if c.Grid == nil {
				return errors.New("SaveCoverage without a grid")
			}
			c.ID = int64(len(m.byID) + 1)
			c.Files = map[planning.CoverageFile]string{planning.CoverageGeoTIFF: "coverage/x.tif"}
			stored := *c
			stored.Grid = nil
			m.byID[c.ID] = stored
			return nil
		},
		CoverageByHashFunc: func(_ context.Context, h string) (planning.Coverage, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.lookup++
			for _, c := range m.byID {
				if c.InputHash == h {
					return c, nil
				}
			}
			return planning.Coverage{}, planning.Errorf(planning.NotFound, "no coverage %s", h)
		},
		LinkCoverageFunc: func(_ context.Context, _, assessmentID, coverageID int64) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.links[assessmentID] = coverageID
			return nil
		},
		AssessmentCoverageFunc: func(_ context.Context, assessmentID int64) (planning.Coverage, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			if id, ok := m.links[assessmentID]; ok {
				return m.byID[id], nil
			}
			return planning.Coverage{}, planning.Errorf(planning.NotFound, "assessment %d has no coverage", assessmentID)
		},
	}
}

func omni(eirp float64) coverage.Params {
	return coverage.Params{Location: covSite, HeightM: 30, FreqMHz: 900, Technology: coverage.GSM,
		Sectors: []coverage.Sector{{EIRPdBm: eirp}}}
}

func TestCoverageComputeCachesByInputHash(t *testing.T) {
	terrain := &flatTerrain{version: "srtm3-v1"}
	mem := newMemCoverages()
	svc := planning.NewCoverageService(planning.CoverageConfig{}, terrain.source(), mem.store(), nil)
	ctx := context.Background()
	opts := coverage.Options{RadiusM: 3000}

	first, err := svc.Compute(ctx, omni(55), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || first.ID == 0 || mem.saves != 1 {
		t.Fatalf("first Compute: Cached %v, ID %d, saves %d; want a new stored coverage", first.Cached, first.ID, mem.saves)
	}
	if first.DEMVersion != "srtm3-v1" || first.Inputs.DEMVersion != "srtm3-v1" {
		t.Errorf("DEMVersion = %q (inputs %q), want the terrain's srtm3-v1", first.DEMVersion, first.Inputs.DEMVersion)
	}
	if !(first.AreaKm2 > 0) || first.Metric != coverage.MetricLevel || first.ThresholdDBm != -95 {
		t.Errorf("area %.2f km², metric %s, threshold %g; want a covered area, level, -95 dBm", first.AreaKm2, first.Metric, first.ThresholdDBm)
	}
	// A flat disc of 3 km at 55 dBm EIRP and 900 MHz is covered to the rim.
	if !first.Limits.RadiusLimited {
		t.Errorf("Limits.RadiusLimited = false, want true on flat ground")
	}

	tests := []struct {
		name      string
		version   string
		site      coverage.Params
		wantSaves int
		wantCache bool
	}{
		{"same inputs are served from the store", "srtm3-v1", omni(55), 1, true},
		{"Workers do not change the hash", "srtm3-v1", omni(55), 1, true},
		{"another EIRP is computed", "srtm3-v1", omni(50), 2, false},
		{"a new DEM version is computed", "srtm3-v2", omni(55), 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terrain.version = tt.version
			o := opts
			o.Workers = 2
			c, err := svc.Compute(ctx, tt.site, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Cached != tt.wantCache || mem.saves != tt.wantSaves {
				t.Errorf("Cached = %v with %d saves, want %v with %d", c.Cached, mem.saves, tt.wantCache, tt.wantSaves)
			}
			if tt.wantCache && (c.ID != first.ID || c.InputHash != first.InputHash) {
				t.Errorf("cached coverage %d %s, want %d %s", c.ID, c.InputHash, first.ID, first.InputHash)
			}
		})
	}
}

func TestCoverageComputeInvalid(t *testing.T) {
	tests := []struct {
		name      string
		site      coverage.Params
		opts      coverage.Options
		window    bool // whether the terrain is read before the error
		wantField string
	}{
		{"no sector", coverage.Params{Location: covSite, HeightM: 30, FreqMHz: 900, ThresholdDBm: -95}, coverage.Options{}, false, "sectors"},
		{"bad frequency", coverage.Params{Location: covSite, HeightM: 30, FreqMHz: 5, ThresholdDBm: -95, Sectors: []coverage.Sector{{EIRPdBm: 50}}}, coverage.Options{}, false, "freq_mhz"},
		{"bad sector EIRP", coverage.Params{Location: covSite, HeightM: 30, FreqMHz: 900, ThresholdDBm: -95, Sectors: []coverage.Sector{{EIRPdBm: 50}, {EIRPdBm: 500}}}, coverage.Options{}, false, "sectors/1/eirp_dbm"},
		{"radius too large", omni(50), coverage.Options{RadiusM: 1e6}, false, "radius_m"},
		{"DEM smaller than the disc", omni(50), coverage.Options{RadiusM: 3000}, true, "location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			windows := 0
			terrain := &planningtest.TerrainSource{WindowFunc: func(_ context.Context, lon, lat, _ float64) (*geo.Grid, planning.TerrainInfo, error) {
				windows++
				g, err := geo.NewGrid(10, 10, lon-5.0/1200, lat+5.0/1200, 1.0/1200, 1.0/1200)
				return g, planning.TerrainInfo{Version: "v"}, err
			}}
			store := &planningtest.CoverageStore{CoverageByHashFunc: func(context.Context, string) (planning.Coverage, error) {
				return planning.Coverage{}, planning.Errorf(planning.NotFound, "none")
			}}
			svc := planning.NewCoverageService(planning.CoverageConfig{}, terrain, store, nil)
			_, err := svc.Compute(context.Background(), tt.site, tt.opts, nil)
			if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != tt.wantField {
				t.Errorf("Compute error = %v (kind %v, field %q), want Invalid at %q", err, planning.KindOf(err), planning.FieldOf(err), tt.wantField)
			}
			if got := windows > 0; got != tt.window {
				t.Errorf("terrain read = %v, want %v", got, tt.window)
			}
		})
	}
}

func TestProposalCoverageParams(t *testing.T) {
	ant := func(az, band float64, tech string) planning.Antenna {
		return planning.Antenna{AzimuthDeg: az, TiltDeg: 4, BandMHz: band, EIRPdBm: 58, Technology: tech}
	}
	tests := []struct {
		name        string
		antennas    []planning.Antenna
		wantFreq    float64
		wantTech    coverage.Technology
		wantSectors []int
	}{
		{"one band", []planning.Antenna{ant(0, 1800, "LTE"), ant(120, 1800, "LTE"), ant(240, 1800, "LTE")}, 1800, coverage.LTE, []int{0, 1, 2}},
		{"lowest band wins", []planning.Antenna{ant(0, 1800, "LTE"), ant(120, 900, "GSM"), ant(240, 2600, "LTE"), ant(300, 900, "GSM")}, 900, coverage.GSM, []int{1, 3}},
		{"technology order breaks a tie", []planning.Antenna{ant(0, 2100, "lte"), ant(90, 2100, "UMTS")}, 2100, coverage.UMTS, []int{1}},
	}
	// A province file that changes the environment, the receiver and the
	// GSM panel: the proposal must read them, not constants of its own.
	book, err := planning.LoadRadioBook(fstest.MapFS{"26.yaml": {Data: []byte(`province: "26"
environment: {climate: 5, n0: 301, rx_height_m: 2}
technologies: {GSM: {threshold_dbm: -90, h_beamwidth_deg: 90}}
`)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		for _, prov := range []string{"", "26"} {
			t.Run(tt.name+"/province "+prov, func(t *testing.T) {
				defs := book.For(prov)
				td, _ := defs.Tech(string(tt.wantTech))
				site := planning.Site{Location: covSite, HeightM: 36, Antennas: tt.antennas}
				p, opts, idx, err := planning.ProposalCoverageParams(site, defs)
				if err != nil {
					t.Fatal(err)
				}
				if p.FreqMHz != tt.wantFreq || p.Technology != tt.wantTech {
					t.Errorf("band %g MHz %s, want %g MHz %s", p.FreqMHz, p.Technology, tt.wantFreq, tt.wantTech)
				}
				if len(idx) != len(tt.wantSectors) {
					t.Fatalf("sector antennas %v, want %v", idx, tt.wantSectors)
				}
				for k, i := range idx {
					s := p.Sectors[k]
					a := tt.antennas[i]
					if i != tt.wantSectors[k] || s.AzimuthDeg != a.AzimuthDeg || s.ElecTiltDeg != a.TiltDeg || s.EIRPdBm != a.EIRPdBm ||
						s.HBeamwidthDeg != td.HBeamwidthDeg || s.VBeamwidthDeg != td.VBeamwidthDeg {
						t.Errorf("sector %d = %+v from antenna %d, want antenna %d with the beamwidths %g × %g", k, s, i, tt.wantSectors[k], td.HBeamwidthDeg, td.VBeamwidthDeg)
					}
				}
				if p.HeightM != 36 || p.Location != covSite || opts.RadiusM != planning.ProposalRadiusM {
					t.Errorf("height %g, location %v, radius %g; want the site's and the default radius", p.HeightM, p.Location, opts.RadiusM)
				}
				if p.Radio != defs.Radio() || p.RxHeightM != defs.RxHeightM || p.ThresholdDBm != td.ThresholdDBm {
					t.Errorf("radio %+v, rx %g m, threshold %g dBm; want the radio defaults' %+v, %g m, %g dBm",
						p.Radio, p.RxHeightM, p.ThresholdDBm, defs.Radio(), defs.RxHeightM, td.ThresholdDBm)
				}
				if _, err := coverage.Hash(p, opts); err != nil {
					t.Errorf("the derived params do not validate: %v", err)
				}
			})
		}
	}
	if got := book.For("26"); got.Climate != 5 || got.RxHeightM != 2 {
		t.Fatalf("the province file did not load: %+v", got)
	}
	if _, _, _, err := planning.ProposalCoverageParams(planning.Site{Location: covSite, HeightM: 30}, book.National()); planning.FieldOf(err) != planning.FieldAntennas {
		t.Errorf("no antenna: error %v, want Invalid at %s", err, planning.FieldAntennas)
	}
}

func TestProposalCoverageComputesOnceAndLinks(t *testing.T) {
	site := planning.Site{Carrier: "452-04", Code: "VPC-001", Location: covSite, HeightM: 30,
		Antennas: []planning.Antenna{{AzimuthDeg: 0, TiltDeg: 3, BandMHz: 900, EIRPdBm: 58, Technology: "GSM"},
			{AzimuthDeg: 180, TiltDeg: 3, BandMHz: 900, EIRPdBm: 58, Technology: "GSM"}}}
	bad := site
	bad.Antennas = []planning.Antenna{{AzimuthDeg: 0, BandMHz: 900, EIRPdBm: 500, Technology: "GSM"}}
	props := &planningtest.ProposalStore{
		ProposalFunc: func(_ context.Context, id int64) (planning.Proposal, error) {
			switch id {
			case 7:
				return planning.Proposal{ID: 7, Site: site}, nil
			case 8:
				return planning.Proposal{ID: 8, Site: bad}, nil
			}
			return planning.Proposal{}, planning.Errorf(planning.NotFound, "proposal %d not found", id)
		},
		AssessmentFunc: func(_ context.Context, id int64) (planning.Assessment, error) {
			return planning.Assessment{ID: 100 + id, ProposalID: id}, nil
		},
	}
	terrain := &flatTerrain{version: "v1"}
	mem := newMemCoverages()
	svc := planning.NewCoverageService(planning.CoverageConfig{}, terrain.source(), mem.store(), props)
	ctx := context.Background()

	if _, ok, err := svc.StoredProposalCoverage(ctx, 7); err != nil || ok {
		t.Fatalf("StoredProposalCoverage before any = ok %v, %v; want none", ok, err)
	}
	c, err := svc.ProposalCoverage(ctx, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Cached || mem.links[107] != c.ID || len(c.Inputs.Sectors) != 2 || c.Inputs.Radio.Climate != 3 {
		t.Errorf("first ProposalCoverage: cached %v, link %v, %d sectors, climate %d; want computed, linked to assessment 107, 2 sectors, climate 3",
			c.Cached, mem.links, len(c.Inputs.Sectors), c.Inputs.Radio.Climate)
	}
	calls := terrain.calls
	again, err := svc.ProposalCoverage(ctx, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.ID != c.ID || terrain.calls != calls || mem.saves != 1 {
		t.Errorf("second ProposalCoverage: cached %v, id %d, terrain reads %d→%d, saves %d; want the linked one without reading terrain",
			again.Cached, again.ID, calls, terrain.calls, mem.saves)
	}
	if got, ok, err := svc.StoredProposalCoverage(ctx, 7); err != nil || !ok || got.ID != c.ID {
		t.Errorf("StoredProposalCoverage = %d, %v, %v; want %d", got.ID, ok, err, c.ID)
	}
	if math.IsNaN(again.AreaKm2) || again.AreaKm2 != c.AreaKm2 {
		t.Errorf("cached area %.3f, want %.3f", again.AreaKm2, c.AreaKm2)
	}

	_, err = svc.ProposalCoverage(ctx, 8, nil)
	if want := planning.FieldAntennas + "/0/eirp_dbm"; planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != want {
		t.Errorf("ProposalCoverage of a bad site: %v (field %q), want Invalid at %s", err, planning.FieldOf(err), want)
	}
	if _, err := svc.ProposalCoverage(ctx, 9, nil); planning.KindOf(err) != planning.NotFound {
		t.Errorf("ProposalCoverage(9) = %v, want NotFound", err)
	}
}

// A service without a store computes every time and keeps nothing: what
// `btsplan coverage --dem` without --store runs.
func TestCoverageComputeWithoutStore(t *testing.T) {
	terrain := &flatTerrain{version: "file:x"}
	svc := planning.NewCoverageService(planning.CoverageConfig{}, terrain.source(), nil, nil)
	ctx := context.Background()
	for i := range 2 {
		c, err := svc.Compute(ctx, omni(55), coverage.Options{RadiusM: 2000}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Cached || c.ID != 0 || c.Grid == nil || !(c.AreaKm2 > 0) {
			t.Errorf("Compute %d: Cached %v, ID %d, grid %v, area %g; want a fresh unstored coverage with its grid",
				i, c.Cached, c.ID, c.Grid != nil, c.AreaKm2)
		}
	}
	if terrain.calls != 2 {
		t.Errorf("terrain windows read %d, want 2 (nothing cached)", terrain.calls)
	}
	if _, err := svc.Coverage(ctx, 1); planning.KindOf(err) != planning.NotFound {
		t.Errorf("Coverage(1) without a store: %v, want NotFound", err)
	}
}
