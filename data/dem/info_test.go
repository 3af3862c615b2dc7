package dem_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
	"btsplan/planning"
)

// TestInfoMatchesWindow checks that Info, which reads only the tile
// index, names the same Version and cell size as Window for the same disc,
// including a disc inside a fine tile that hides the coarse one entirely,
// and that it reads no tile file: with the files gone Window fails and
// Info still answers. The coverage cache is looked up with Info's Version
// before any terrain is read (issue 9), and stored under Window's.
func TestInfoMatchesWindow(t *testing.T) {
	st, _, dir := newStore(t)
	ctx := context.Background()
	src := t.TempDir()
	coarsePath, _ := writeHGT(t, src, "N21E105.hgt", 1201, 105, 21, nil)
	if _, err := st.Import(ctx, "srtm", coarsePath); err != nil {
		t.Fatal(err)
	}
	const step = 1.0 / 3600
	fine, err := geo.NewGrid(360, 360, 105.45, 21.55, step, step)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < fine.H; y++ {
		for x := 0; x < fine.W; x++ {
			p := fine.CellCentre(x, y)
			fine.Set(x, y, float32(terrain(p[0], p[1])))
		}
	}
	finePath := writeGeoTIFF(t, src, "clip.tif", fine, -9999, geotiff.Options{})
	if _, err := st.Import(ctx, "lidar", finePath); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name              string
		lon, lat, radiusM float64
		wantVersion       string
		wantStepDeg       float64
		wantKind          planning.Kind // for an error
	}{
		{"coarse only", 105.2, 21.2, 5000, "srtm@1:N21E105", 1.0 / 1200, 0},
		{"both contribute", 105.5, 21.5, 10_000, "lidar@1:clip,srtm@1:N21E105", step, 0},
		{"fine hides coarse", 105.5, 21.5, 1000, "lidar@1:clip,srtm@1:N21E105", step, 0},
		{"no tile", 100.5, 10.5, 1000, "", 0, planning.NotFound},
		{"bad radius", 105.2, 21.2, -1, "", 0, planning.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := st.Info(ctx, tt.lon, tt.lat, tt.radiusM)
			if tt.wantKind != 0 {
				if planning.KindOf(err) != tt.wantKind {
					t.Fatalf("Info = %v, want kind %v", err, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, winfo, err := st.Window(ctx, tt.lon, tt.lat, tt.radiusM)
			if err != nil {
				t.Fatal(err)
			}
			if info.Version != tt.wantVersion || winfo.Version != info.Version {
				t.Errorf("Info.Version = %q, Window's %q, want both %q", info.Version, winfo.Version, tt.wantVersion)
			}
			if info.StepLatDeg != tt.wantStepDeg || winfo.StepLatDeg != tt.wantStepDeg || info.StepLonDeg != winfo.StepLonDeg {
				t.Errorf("Info step %g×%g°, Window's %g×%g°, want %g°", info.StepLonDeg, info.StepLatDeg, winfo.StepLonDeg, winfo.StepLatDeg, tt.wantStepDeg)
			}
		})
	}

	t.Run("reads no tile file", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(dir, "dem")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Window(ctx, 105.2, 21.2, 5000); err == nil {
			t.Fatal("Window without tile files = nil error, want one")
		}
		if info, err := st.Info(ctx, 105.2, 21.2, 5000); err != nil || info.Version != "srtm@1:N21E105" {
			t.Errorf("Info without tile files = %+v, %v; want the version from the index", info, err)
		}
	})
}
