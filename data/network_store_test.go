package data_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"btsplan/data"
	"btsplan/planning"
)

// The fixtures of testdata/networks are SYNTHETIC (see its README).

// networkService returns the service over the real stores of s; with dem,
// one current DEM tile covers 105-106 E, 21-22 N (only its index row: the
// import reads footprints, never heights).
func networkService(t *testing.T, s stores, dem bool) *planning.NetworkService {
	t.Helper()
	if dem {
		_, err := s.pool.Exec(context.Background(), `INSERT INTO dem_tile (dataset, tile, version, path, source_format,
			source_sha256, sha256, bytes, width, height, west, north, step_lon_deg, step_lat_deg, voids, footprint)
			VALUES ('srtm', 'N21E105', 1, 'dem/srtm/N21E105.tif', 'hgt', repeat('0', 64), repeat('0', 64), 1, 1201, 1201,
			105, 22, 1/1200.0, 1/1200.0, 0, ST_MakeEnvelope(105, 21, 106, 22, 4326))`)
		if err != nil {
			t.Fatalf("insert dem tile: %v", err)
		}
	}
	book, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatalf("LoadRadioBook: %v", err)
	}
	return planning.NewNetworkService(data.NewNetworkStore(s.db), s.orgs, book)
}

func networkRows(t *testing.T, s stores) int {
	t.Helper()
	return count(t, s.pool, "SELECT count(*) FROM network") + count(t, s.pool, "SELECT count(*) FROM network_site") +
		count(t, s.pool, "SELECT count(*) FROM network_cell")
}

func TestImportOpenCelliDRoundTrip(t *testing.T) {
	s := newStores(t)
	svc := networkService(t, s, true)
	ctx := context.Background()
	f, err := os.Open("testdata/networks/synthetic_opencellid.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := svc.ImportOpenCelliD(ctx, planning.NetworkSpec{Name: "ocid", Source: "SYNTHETIC"}, f)
	if err != nil {
		t.Fatalf("ImportOpenCelliD: %v", err)
	}
	if rep.Sites != 4 || rep.Cells != 6 || len(rep.Skipped) != 1 || rep.Skipped[0].Line != 7 {
		t.Errorf("report = %d sites, %d cells, skipped %+v; want 4, 6, line 7", rep.Sites, rep.Cells, rep.Skipped)
	}
	if rep.Network.Version != 1 || !rep.Network.Current || rep.Network.GroupDistanceM != 30 {
		t.Errorf("network = %+v, want version 1, current, grouped at 30 m", rep.Network)
	}
	if rep.AssumedValues[planning.ParamHeightM] != 4 || rep.AssumedValues[planning.ParamEIRPdBm] != 6 {
		t.Errorf("assumed values = %v, want 4 heights and 6 EIRPs", rep.AssumedValues)
	}

	sites, err := svc.Sites(ctx, planning.SiteFilter{Carrier: "452-04"})
	if err != nil {
		t.Fatalf("Sites: %v", err)
	}
	if len(sites) != 2 || len(sites[0].Cells) != 3 || len(sites[1].Cells) != 1 {
		t.Fatalf("Viettel sites = %+v, want the LTE mast with 3 cells and the NR site", sites)
	}
	mast := sites[0]
	if mast.Code != "LTE-10501-2561" || mast.HeightM != 35 || len(mast.Assumed) != 1 || mast.Assumed[0] != "height_m" {
		t.Errorf("mast = %s at %g m, assumed %v; want LTE-10501-2561 at the default 35 m, height assumed", mast.Code, mast.HeightM, mast.Assumed)
	}
	c := mast.Cells[0]
	if c.Technology != "LTE" || c.BandMHz != 1800 || !c.Omni || c.HBeamwidthDeg != 360 || len(c.Assumed) != 8 {
		t.Errorf("cell = %+v, want LTE 1800 MHz omni with 8 assumed values", c)
	}
	if got := c.Properties["cell"]; got == nil || got.(interface{ String() string }).String() != "2561" {
		t.Errorf("cell source properties = %v, want the OpenCelliD row (cell 2561)", c.Properties)
	}

	// A second import is version 2; only it is current.
	f2, _ := os.Open("testdata/networks/synthetic_opencellid.csv")
	defer f2.Close()
	rep2, err := svc.ImportOpenCelliD(ctx, planning.NetworkSpec{Name: "ocid"}, f2)
	if err != nil || rep2.Network.Version != 2 {
		t.Fatalf("second import = %+v, %v; want version 2", rep2.Network, err)
	}
	all, _ := svc.Sites(ctx, planning.SiteFilter{})
	old, _ := svc.Sites(ctx, planning.SiteFilter{Network: "ocid", Version: 1})
	if len(all) != 4 || len(old) != 4 || all[0].NetworkID == old[0].NetworkID {
		t.Errorf("current sites %d, version 1 sites %d: want 4 each from different versions", len(all), len(old))
	}
	nets, err := svc.Networks(ctx)
	if err != nil || len(nets) != 2 || !nets[0].Current || nets[1].Current || len(nets[0].Skipped) != 1 {
		t.Errorf("Networks = %+v, %v; want v2 current then v1, with the skipped row", nets, err)
	}
	if _, err := svc.Sites(ctx, planning.SiteFilter{Network: "nope"}); planning.KindOf(err) != planning.NotFound {
		t.Errorf("Sites(unknown network) = %v, want not found", err)
	}
}

// TestImportSitesNothingStored: a bad row anywhere leaves no row behind.
func TestImportSitesNothingStored(t *testing.T) {
	good, err := os.ReadFile("testdata/networks/synthetic_opencellid.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		dem       bool
		body      string
		allow     bool
		wantField string
		wantText  string
	}{
		{"bad last row", true, string(good) + "LTE,452,4,1,2,101,105.6,oops,1,1,1,1,1,0\n", false, "line 9", `lat "oops"`},
		{"unknown MNC", true, string(good) + "GSM,452,9,1,2,,105.6,21.4,1,1,1,1,1,0\n", false, "line 9", "MNC 452-09 is not a carrier"},
		{"site outside the DEM", true, string(good) + "GSM,452,4,1,2,,107.5,21.4,1,1,1,1,1,0\n", false, "line 9", "outside every loaded DEM tile"},
		{"no DEM at all", false, string(good), false, "", "no DEM is loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStores(t)
			svc := networkService(t, s, tt.dem)
			_, err := svc.ImportOpenCelliD(context.Background(), planning.NetworkSpec{Name: "ocid"}, strings.NewReader(tt.body))
			if err == nil || planning.KindOf(err) != planning.Invalid {
				t.Fatalf("ImportOpenCelliD = %v, want an invalid error", err)
			}
			if got := planning.FieldOf(err); got != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error = %q (field %q), want field %q and %q", err, got, tt.wantField, tt.wantText)
			}
			if n := networkRows(t, s); n != 0 {
				t.Errorf("%d network, site and cell rows stored, want none", n)
			}
		})
	}
	// Allowed explicitly, a site outside the DEM is imported and reported.
	s := newStores(t)
	svc := networkService(t, s, true)
	rep, err := svc.ImportOpenCelliD(context.Background(), planning.NetworkSpec{Name: "ocid", AllowOutsideDEM: true},
		strings.NewReader(string(good)+"GSM,452,4,1,2,,107.5,21.4,1,1,1,1,1,0\n"))
	if err != nil || len(rep.OutsideDEM) != 1 || rep.OutsideDEM[0] != "line 9" {
		t.Errorf("allowed import = %+v, %v; want line 9 reported outside the DEM", rep.OutsideDEM, err)
	}
}
