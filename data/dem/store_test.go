package dem_test

import (
	"context"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
	"btsplan/planning"
)

// newStore returns a Store on a throwaway schema and an empty data folder.
func newStore(tb testing.TB) (*dem.Store, *pgxpool.Pool, string) {
	tb.Helper()
	pool := datatest.New(tb)
	dir := tb.TempDir()
	st := dem.NewStore(pool, dir)
	st.QueryTimeout = 30 * time.Second
	return st, pool, dir
}

func count(tb testing.TB, pool *pgxpool.Pool, sql string) int {
	tb.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// files lists the regular files under dir.
func files(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestImportVersionsAndWindow(t *testing.T) {
	hgt := sharedDEM(t, "N21E105.hgt")
	st, pool, dir := newStore(t)
	ctx := context.Background()

	rep, err := st.Import(ctx, "srtm", hgt)
	if err != nil {
		t.Fatalf("Import(%s) = %v", hgt, err)
	}
	if rep.Version != 1 || rep.Tiles != 1 || rep.Tile != "N21E105" || rep.Width != 1201 || rep.Height != 1201 ||
		rep.Voids != 1539 || !geo.Near(rep.StepDeg, 1.0/1200, 1e-15) {
		t.Errorf("Import = %+v, want version 1 of N21E105, 1201x1201, 1539 voids, 3\"", rep)
	}
	if !geo.Near(rep.Bound.Min[0], 105-1.0/2400, 1e-9) || !geo.Near(rep.Bound.Max[1], 22+1.0/2400, 1e-9) {
		t.Errorf("Bound = %v, want half a cell outside 105..106 E, 21..22 N", rep.Bound)
	}

	// The reference: the decoded tile with its voids filled.
	want, _, err := dem.Decode(hgt)
	if err != nil {
		t.Fatal(err)
	}
	wasVoid := make([]bool, len(want.Pix))
	for i, v := range want.Pix {
		wasVoid[i] = v != v
	}
	geo.FillVoids(want)

	const lon, lat, radiusM = 105.5, 21.5, 20_000.0
	g, info, err := st.Window(ctx, lon, lat, radiusM)
	if err != nil {
		t.Fatalf("Window = %v", err)
	}
	if info.Version != "srtm@1:N21E105" || len(info.Tiles) != 1 || info.Missing != 0 {
		t.Errorf("WindowInfo = %+v, want version srtm@1:N21E105, no missing cell", info)
	}
	// The window covers the disc: its edges are at least radiusM away.
	b := g.Bound()
	for _, p := range []orb.Point{{b.Min[0], lat}, {b.Max[0], lat}, {lon, b.Min[1]}, {lon, b.Max[1]}} {
		if d := geo.DistanceM(orb.Point{lon, lat}, p); d < radiusM {
			t.Errorf("window edge %v is %.0f m from the centre, want ≥ %.0f", p, d, radiusM)
		}
	}
	if g.W > 600 || g.H > 600 {
		t.Errorf("window is %dx%d cells, want about 460x480 for 20 km at 3\"", g.W, g.H)
	}
	ox := int(math.Round((g.West - want.West) / want.DLon))
	oy := int(math.Round((want.North - g.North) / want.DLat))
	voids := 0
	for y := 0; y < g.H; y++ {
		for x := 0; x < g.W; x++ {
			if got, w := g.At(x, y), want.At(x+ox, y+oy); got != w {
				t.Fatalf("window (%d, %d) = %v, want tile (%d, %d) = %v", x, y, got, x+ox, y+oy, w)
			}
			if wasVoid[(y+oy)*want.Stride+x+ox] {
				voids++
			}
		}
	}
	if info.Voids != voids {
		t.Errorf("WindowInfo.Voids = %d, want %d", info.Voids, voids)
	}

	// Importing again makes version 2 and keeps version 1's file.
	rep2, err := st.Import(ctx, "srtm", hgt)
	if err != nil {
		t.Fatalf("second Import = %v", err)
	}
	if rep2.Version != 2 || rep2.Path == rep.Path {
		t.Errorf("second Import = version %d at %s, want version 2 at a new path", rep2.Version, rep2.Path)
	}
	if n, cur := count(t, pool, "SELECT count(*) FROM dem_tile"), count(t, pool, "SELECT count(*) FROM dem_tile WHERE current"); n != 2 || cur != 1 {
		t.Errorf("dem_tile has %d rows, %d current, want 2 and 1", n, cur)
	}
	if fs := files(t, dir); len(fs) != 2 {
		t.Errorf("data folder holds %v, want the two versions", fs)
	}
	if _, info, err := st.Window(ctx, lon, lat, radiusM); err != nil || info.Version != "srtm@2:N21E105" {
		t.Errorf("Window after re-import = %+v, %v, want version srtm@2:N21E105", info, err)
	}

	// Near the tile's west edge part of the disc has no data.
	g, info, err = st.Window(ctx, 105.05, 21.5, radiusM)
	if err != nil {
		t.Fatalf("Window at the edge = %v", err)
	}
	if info.Missing == 0 || info.Missing != geo.CountVoids(g) {
		t.Errorf("Missing = %d with %d NaN cells, want the NaN count, > 0", info.Missing, geo.CountVoids(g))
	}
	if v := g.At(0, g.H/2); v == v {
		t.Errorf("cell west of 105°E = %v, want NaN", v)
	}
}

// TestWindowMosaic stacks a 1" GeoTIFF on a 3" tile: the window takes the
// 1" lattice, copies the fine tile and resamples the coarse one around it.
func TestWindowMosaic(t *testing.T) {
	st, _, _ := newStore(t)
	ctx := context.Background()
	src := t.TempDir()
	coarsePath, coarse := writeHGT(t, src, "N21E105.hgt", 1201, 105, 21, [][2]int{{700, 600}}) // 105.583°E, 21.5°N
	if _, err := st.Import(ctx, "srtm", coarsePath); err != nil {
		t.Fatal(err)
	}
	geo.FillVoids(coarse)

	// 0.1°×0.1° at 1" (360×360), float32 with a void.
	const step = 1.0 / 3600
	fine, err := geo.NewGrid(360, 360, 105.45, 21.55, step, step)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < fine.H; y++ {
		for x := 0; x < fine.W; x++ {
			p := fine.CellCentre(x, y)
			fine.Set(x, y, float32(terrain(p[0], p[1])+0.25))
		}
	}
	fine.Set(100, 100, float32(math.NaN()))
	finePath := writeGeoTIFF(t, src, "lidar-clip.tif", fine, float32(math.NaN()), geotiff.Options{TileSize: 64})
	rep, err := st.Import(ctx, "lidar", finePath)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tile != "lidar-clip" || rep.Voids != 1 {
		t.Errorf("Import(%s) = tile %q with %d voids, want lidar-clip with 1", finePath, rep.Tile, rep.Voids)
	}
	geo.FillVoids(fine)

	g, info, err := st.Window(ctx, 105.5, 21.5, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != "lidar@1:lidar-clip,srtm@1:N21E105" || info.Missing != 0 || info.Voids != 2 {
		t.Errorf("WindowInfo = %+v, want both tiles, 2 voids, no missing cell", info)
	}
	if !geo.Near(g.DLat, step, 1e-12) {
		t.Fatalf("window cell %g°, want the finest, %g°", g.DLat, step)
	}
	fb := fine.Bound()
	checkedFine, checkedCoarse := 0, 0
	for y := 0; y < g.H; y += 7 {
		for x := 0; x < g.W; x += 7 {
			c := g.CellCentre(x, y)
			got := float64(g.At(x, y))
			if fb.Contains(c) {
				fx := int(math.Floor((c[0] - fine.West) / step))
				fy := int(math.Floor((fine.North - c[1]) / step))
				if w := float64(fine.At(fx, fy)); got != w {
					t.Fatalf("window (%d, %d) = %v, want the 1\" tile's %v", x, y, got, w)
				}
				checkedFine++
				continue
			}
			if w := coarse.Bilinear(c); !geo.Near(got, w, 1e-3) {
				t.Fatalf("window (%d, %d) at %v = %v, want the 3\" tile's bilinear %v", x, y, c, got, w)
			}
			checkedCoarse++
		}
	}
	if checkedFine == 0 || checkedCoarse == 0 {
		t.Errorf("checked %d fine and %d coarse cells, want both", checkedFine, checkedCoarse)
	}
}

func TestWindowErrors(t *testing.T) {
	st, _, _ := newStore(t)
	ctx := context.Background()
	cases := []struct {
		name              string
		lon, lat, radiusM float64
		kind              planning.Kind
	}{
		{"no tile", 105.5, 21.5, 20_000, planning.NotFound},
		{"zero radius", 105.5, 21.5, 0, planning.Invalid},
		{"negative radius", 105.5, 21.5, -1, planning.Invalid},
		{"NaN radius", 105.5, 21.5, math.NaN(), planning.Invalid},
		{"radius too large", 105.5, 21.5, 300_000, planning.Invalid},
		{"polar", 105.5, 88, 20_000, planning.Invalid},
		{"longitude off the Earth", 205.5, 21.5, 20_000, planning.Invalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := st.Window(ctx, tc.lon, tc.lat, tc.radiusM)
			if k := planning.KindOf(err); err == nil || k != tc.kind {
				t.Errorf("Window(%v, %v, %v) = %v (%v), want %v", tc.lon, tc.lat, tc.radiusM, err, k, tc.kind)
			}
		})
	}
}

// TestImportRejects checks that a bad file or name fails with an error
// naming it, and leaves no row and no file behind.
func TestImportRejects(t *testing.T) {
	st, pool, dir := newStore(t)
	ctx := context.Background()
	src := t.TempDir()
	goodTile, _ := writeHGT(t, src, "N10E100.hgt", 1201, 100, 10, nil)
	empty, err := geo.NewGrid(20, 20, 100, 11, 1.0/1200, 1.0/1200)
	if err != nil {
		t.Fatal(err)
	}
	allVoid := writeGeoTIFF(t, src, "void.tif", empty, hgtVoid, geotiff.Options{Int16: true})
	bad := filepath.Join(src, "N10E101.hgt")
	writeFile(t, bad, make([]byte, 12))
	cases := []struct {
		name, dataset, path, want string
	}{
		{"wrong size", "srtm", bad, "size 12 bytes is not an SRTM tile"},
		{"entirely void", "srtm", allVoid, "400 of 400 cells are voids"},
		{"bad dataset name", "SRTM v4", goodTile, `dataset name "SRTM v4"`},
		{"missing file", "srtm", filepath.Join(src, "N00E000.hgt"), "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.Import(ctx, tc.dataset, tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import(%q, %s) = %v, want an error naming the file and %q", tc.dataset, tc.path, err, tc.want)
			}
		})
	}
	if n := count(t, pool, "SELECT count(*) FROM dem_tile"); n != 0 {
		t.Errorf("dem_tile has %d rows after failed imports, want 0", n)
	}
	if fs := files(t, dir); len(fs) != 0 {
		t.Errorf("data folder holds %v after failed imports, want nothing", fs)
	}
}
