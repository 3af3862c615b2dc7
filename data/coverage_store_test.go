package data_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/planning"
)

// testCoverage computes a small real coverage: a 900 MHz omni 30 m mast on
// flat ground at 20 m with a 200 m hill 2 km east of it, 4 km radius.
func testCoverage(tb testing.TB, eirpDBm float64) planning.Coverage {
	tb.Helper()
	site := orb.Point{105.6, 21.4}
	const d = 1.0 / 1200
	lonM, latM := geo.MetresPerDegree(site[1])
	nx, ny := int(9000/(d*lonM)), int(9000/(d*latM))
	g, err := geo.NewGrid(nx, ny, site[0]-float64(nx)/2*d, site[1]+float64(ny)/2*d, d, d)
	if err != nil {
		tb.Fatal(err)
	}
	for y := range g.H {
		for x := range g.W {
			c := g.CellCentre(x, y)
			dx, dy := (c[0]-site[0])*lonM-2000, (c[1]-site[1])*latM
			g.Set(x, y, float32(20+200*math.Exp(-(dx*dx+dy*dy)/(2*300*300))))
		}
	}
	p := coverage.Params{Location: site, HeightM: 30, FreqMHz: 900, Technology: coverage.GSM,
		Sectors: []coverage.Sector{{EIRPdBm: eirpDBm}}}
	res, err := coverage.Compute(context.Background(), g, p, coverage.Options{RadiusM: 4000, DEMVersion: "test-v1"}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return planning.NewCoverage(res, planning.TerrainInfo{Version: "test-v1", Tiles: []string{"N21E105"}, Missing: 3})
}

func TestCoverageStore(t *testing.T) {
	s := newStores(t)
	dir := t.TempDir()
	cs := data.NewCoverageStore(s.db, dir)
	ctx := context.Background()

	c := testCoverage(t, 52)
	if len(c.Covered) == 0 || c.AreaKm2 == 0 {
		t.Fatalf("the fixture covers nothing")
	}
	if err := cs.SaveCoverage(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.CreatedAt.IsZero() || len(c.Files) != 3 {
		t.Fatalf("SaveCoverage filled ID %d, created %v, files %v; want all three", c.ID, c.CreatedAt, c.Files)
	}
	magic := map[planning.CoverageFile][]byte{
		planning.CoverageGeoTIFF: []byte("II*\x00"),
		planning.CoveragePNG:     []byte("\x89PNG"),
		planning.CoverageLegend:  []byte("\x89PNG"),
	}
	for f, want := range magic {
		b, err := os.ReadFile(filepath.Join(dir, c.Files[f]))
		if err != nil {
			t.Fatalf("file %s: %v", f, err)
		}
		if !bytes.HasPrefix(b, want) {
			t.Errorf("file %s starts %q, want %q", f, b[:min(4, len(b))], want)
		}
	}

	t.Run("same hash saved again is the stored one", func(t *testing.T) {
		again := testCoverage(t, 52)
		if err := cs.SaveCoverage(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if again.ID != c.ID || !again.CreatedAt.Equal(c.CreatedAt) {
			t.Errorf("second save: id %d at %v, want %d at %v", again.ID, again.CreatedAt, c.ID, c.CreatedAt)
		}
		if n := count(t, s.pool, "SELECT count(*) FROM coverage_result"); n != 1 {
			t.Errorf("%d rows, want 1", n)
		}
	})

	t.Run("read back by id and hash", func(t *testing.T) {
		for name, get := range map[string]func() (planning.Coverage, error){
			"id":   func() (planning.Coverage, error) { return cs.Coverage(ctx, c.ID) },
			"hash": func() (planning.Coverage, error) { return cs.CoverageByHash(ctx, c.InputHash) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("by %s: %v", name, err)
			}
			if !reflect.DeepEqual(got.Inputs, c.Inputs) {
				t.Errorf("by %s: Inputs = %+v, want %+v", name, got.Inputs, c.Inputs)
			}
			if !reflect.DeepEqual(got.Limits, c.Limits) {
				t.Errorf("by %s: Limits = %+v, want %+v", name, got.Limits, c.Limits)
			}
			if got.Metric != c.Metric || got.ThresholdDBm != c.ThresholdDBm || got.AreaKm2 != c.AreaKm2 ||
				got.CoveredCells != c.CoveredCells || got.Bound != c.Bound || got.CellArcSec != c.CellArcSec ||
				got.DEMVersion != "test-v1" || got.Model != coverage.Model || !reflect.DeepEqual(got.Files, c.Files) {
				t.Errorf("by %s: %s %g dBm %.4f km² %d cells %v %g\" %q %q %v, want %s %g dBm %.4f km² %d cells %v %g\" test-v1 %q %v", name,
					got.Metric, got.ThresholdDBm, got.AreaKm2, got.CoveredCells, got.Bound, got.CellArcSec, got.DEMVersion, got.Model, got.Files,
					c.Metric, c.ThresholdDBm, c.AreaKm2, c.CoveredCells, c.Bound, c.CellArcSec, coverage.Model, c.Files)
			}
			if !orb.Equal(got.Covered, c.Covered) {
				t.Errorf("by %s: covered geometry changed on the way through PostGIS", name)
			}
		}
		if _, err := cs.CoverageByHash(ctx, "sha256:"+string(bytes.Repeat([]byte("0"), 64))); planning.KindOf(err) != planning.NotFound {
			t.Errorf("unknown hash: %v, want NotFound", err)
		}
		if _, err := cs.Coverage(ctx, c.ID+100); planning.KindOf(err) != planning.NotFound {
			t.Errorf("unknown id: %v, want NotFound", err)
		}
	})

	t.Run("PostGIS agrees on the geometry", func(t *testing.T) {
		// Oracle: the ellipsoidal area of the stored polygons equals the
		// engine's, which sums the cells' areas on the same ellipsoid.
		var valid bool
		var areaKm2 float64
		if err := s.pool.QueryRow(ctx, `SELECT ST_IsValid(covered), ST_Area(covered::geography, true) / 1e6
			FROM coverage_result WHERE id = $1`, c.ID).Scan(&valid, &areaKm2); err != nil {
			t.Fatal(err)
		}
		if !valid || !geo.Near(areaKm2, c.AreaKm2, 1e-3*c.AreaKm2) {
			t.Errorf("ST_IsValid %v, ST_Area %.5f km², want valid and %.5f km² within 0.1 %%", valid, areaKm2, c.AreaKm2)
		}
	})

	t.Run("files", func(t *testing.T) {
		rc, err := cs.OpenCoverageFile(ctx, c, planning.CoverageGeoTIFF)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(b, []byte("II*\x00")) {
			t.Errorf("opened GeoTIFF starts %q", b[:min(4, len(b))])
		}
		gone := c
		gone.Files = map[planning.CoverageFile]string{planning.CoveragePNG: "coverage/00/missing.png"}
		if _, err := cs.OpenCoverageFile(ctx, gone, planning.CoveragePNG); planning.KindOf(err) != planning.NotFound {
			t.Errorf("missing file: %v, want NotFound", err)
		}
		gone.Files[planning.CoveragePNG] = "../etc/passwd"
		if _, err := cs.OpenCoverageFile(ctx, gone, planning.CoveragePNG); err == nil || planning.KindOf(err) == planning.NotFound {
			t.Errorf("path leaving the folder: %v, want an Internal error", err)
		}
	})

	t.Run("assessment link", func(t *testing.T) {
		p := planning.Proposal{Site: planning.Site{Carrier: "452-04", Code: "VPC-COV-1", Location: orb.Point{105.6, 21.4},
			Structure: planning.StructureA2b, HeightM: 30,
			Antennas: []planning.Antenna{{AzimuthDeg: 0, TiltDeg: 2, BandMHz: 900, EIRPdBm: 52, Technology: "GSM"}}}}
		a := planning.Assessment{Verdict: planning.Approve, RuleSetVersion: "national-test"}
		if err := s.proposals.CreateProposal(ctx, &p, &a, "sha256:cov-test"); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.AssessmentCoverage(ctx, a.ID); planning.KindOf(err) != planning.NotFound {
			t.Errorf("before linking: %v, want NotFound", err)
		}
		if m, err := cs.ProposalCoverages(ctx, []int64{p.ID}); err != nil || len(m) != 0 {
			t.Errorf("ProposalCoverages before linking = %v, %v; want empty", m, err)
		}
		if err := cs.LinkCoverage(ctx, p.ID+1, a.ID, c.ID); planning.KindOf(err) != planning.NotFound {
			t.Errorf("link to another proposal's assessment: %v, want NotFound", err)
		}
		if err := cs.LinkCoverage(ctx, p.ID, a.ID, c.ID+100); planning.KindOf(err) != planning.Invalid {
			t.Errorf("link to an unknown coverage: %v, want Invalid", err)
		}
		for range 2 { // linking again replaces the link
			if err := cs.LinkCoverage(ctx, p.ID, a.ID, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, err := cs.AssessmentCoverage(ctx, a.ID)
		if err != nil || got.ID != c.ID || len(got.Covered) != len(c.Covered) {
			t.Errorf("AssessmentCoverage = %d (%d polygons), %v; want %d (%d)", got.ID, len(got.Covered), err, c.ID, len(c.Covered))
		}
		m, err := cs.ProposalCoverages(ctx, []int64{p.ID, p.ID + 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != 1 || m[p.ID].ID != c.ID || m[p.ID].AreaKm2 != c.AreaKm2 || m[p.ID].Covered != nil {
			t.Errorf("ProposalCoverages = %+v, want only proposal %d's coverage %d without geometry", m, p.ID, c.ID)
		}
		// A re-evaluation (a new assessment of the same site) keeps the coverage.
		again := planning.Assessment{ProposalID: p.ID, Revision: p.Revision, Verdict: planning.Conditional,
			RuleSetVersion: "national-test", Basis: planning.BasisGapFill}
		if err := s.proposals.AddAssessment(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if got, err := cs.AssessmentCoverage(ctx, again.ID); err != nil || got.ID != c.ID {
			t.Errorf("coverage of the re-evaluation = %d, %v; want %d carried over", got.ID, err, c.ID)
		}
		if m, err := cs.ProposalCoverages(ctx, []int64{p.ID}); err != nil || m[p.ID].ID != c.ID {
			t.Errorf("ProposalCoverages after the re-evaluation = %+v, %v; want coverage %d", m, err, c.ID)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		bad := testCoverage(t, 50)
		bad.Grid = nil
		if err := cs.SaveCoverage(ctx, &bad); planning.KindOf(err) != planning.Invalid {
			t.Errorf("no grid: %v, want Invalid", err)
		}
	})
}

// The stored inputs and limits are the snake_case wire form, and 0017
// rewrites rows stored in the Go-named form of before into it.
func TestCoverageStoreWireNames(t *testing.T) {
	s := newStores(t)
	cs := data.NewCoverageStore(s.db, t.TempDir())
	ctx := context.Background()
	c := testCoverage(t, 52)
	if err := cs.SaveCoverage(ctx, &c); err != nil {
		t.Fatal(err)
	}
	var snake bool
	if err := s.pool.QueryRow(ctx, `SELECT inputs ? 'height_m' AND inputs -> 'sectors' -> 0 ? 'eirp_dbm'
		AND inputs -> 'radio' ->> 'polarization' = 'vertical' AND limits ? 'terrain_limited_cells'
		AND NOT inputs ? 'HeightM' AND NOT limits ? 'RadiusM' FROM coverage_result WHERE id = $1`, c.ID).Scan(&snake); err != nil {
		t.Fatal(err)
	}
	if !snake {
		t.Errorf("stored inputs and limits are not in their snake_case wire form")
	}

	// A row as stored before 0017: encoding/json of the Go structs. A
	// type defined on Inputs' struct has none of its methods, so it
	// marshals with the Go field names as the old code did.
	type goNamedInputs coverage.Inputs
	old := c.Inputs
	old.Radio.Polarization = 0 // horizontal
	old.TerrainSampling = ""   // stored before the option: bilinear
	old.Sectors = append(old.Sectors, coverage.SectorInputs{AzimuthDeg: 120, EIRPdBm: 50, GainDBi: 16,
		FrontToBackDB: 25, SideLobeDB: 20, Pattern: "K80010622", PatternSHA256: "sha256:ab"})
	oldLimits := c.Limits
	oldLimits.FirstModelError = "itm: path too short"
	if _, err := s.pool.Exec(ctx, `UPDATE coverage_result SET inputs = $2, limits = $3 WHERE id = $1`,
		c.ID, mustJSON(t, goNamedInputs(old)), mustJSON(t, oldLimits)); err != nil {
		t.Fatal(err)
	}
	ms, err := data.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var applied bool
	for _, m := range ms {
		if m.Version == "0017_coverage_wire_names" {
			if _, err := s.pool.Exec(ctx, m.SQL); err != nil {
				t.Fatalf("0017: %v", err)
			}
			applied = true
		}
	}
	if !applied {
		t.Fatal("no migration 0017_coverage_wire_names")
	}
	got, err := cs.Coverage(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := old
	want.TerrainSampling = coverage.SamplingBilinear
	if !reflect.DeepEqual(got.Inputs, want) {
		t.Errorf("inputs after 0017 = %+v, want %+v", got.Inputs, want)
	}
	if !reflect.DeepEqual(got.Limits, oldLimits) {
		t.Errorf("limits after 0017 = %+v, want %+v", got.Limits, oldLimits)
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
