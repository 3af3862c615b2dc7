package dem

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"

	"btsplan/data/datatest"
	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
)

// TestImportAtomic fails an import at its last step, after the tile file
// is renamed into place: neither the row nor any file may remain.
func TestImportAtomic(t *testing.T) {
	pool := datatest.New(t)
	dir := t.TempDir()
	st := NewStore(pool, dir)
	g, err := geo.NewGrid(32, 32, 105.5, 21.5, 1.0/1200, 1.0/1200)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Pix {
		g.Pix[i] = float32(i % 97)
	}
	g.Pix[40] = float32(math.NaN())
	f, err := os.Create(filepath.Join(t.TempDir(), "clip.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := geotiff.Encode(f, g, -9999, geotiff.Options{}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	boom := errors.New("boom")
	renamed := false
	st.beforeCommit = func() error {
		_, err := os.Stat(filepath.Join(dir, "dem", "srtm", "clip.v1.dem"))
		renamed = err == nil
		return boom
	}
	if _, err := st.Import(context.Background(), "srtm", f.Name()); !errors.Is(err, boom) {
		t.Fatalf("Import with a failing commit = %v, want %v", err, boom)
	}
	if !renamed {
		t.Errorf("the tile file was not in place before the commit")
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM dem_tile").Scan(&n); err != nil || n != 0 {
		t.Errorf("dem_tile has %d rows (%v), want 0", n, err)
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("failed import left %s", p)
		}
		return nil
	})

	// The same import without the failure succeeds, as version 1.
	st.beforeCommit = nil
	rep, err := st.Import(context.Background(), "srtm", f.Name())
	if err != nil || rep.Version != 1 || rep.Voids != 1 {
		t.Fatalf("Import = %+v, %v; want version 1 with 1 void", rep, err)
	}
}
