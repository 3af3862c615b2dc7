package dem_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"

	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
)

// sharedDir is the shared Vietnam test data, relative to this package.
const sharedDir = "../../../shared/data/vn/dem"

// sharedDEM returns the path of a shared DEM file. When it is missing the
// test is skipped, or failed when CI is set: CI must provide the data.
func sharedDEM(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(sharedDir, name)
	if _, err := os.Stat(p); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			tb.Fatalf("stat %s: %v", p, err)
		}
		if os.Getenv("CI") != "" {
			tb.Fatalf("shared DEM %s is missing but CI is set: CI must provide %s", p, sharedDir)
		}
		tb.Skipf("shared DEM %s not found; skipping (this test fails when CI is set)", p)
	}
	return p
}

// hgtVoid is SRTM's void marker.
const hgtVoid = -32768

// terrain is a smooth synthetic height field in metres, in [-50, 1550].
func terrain(lon, lat float64) float64 {
	return 750 + 500*math.Sin(lon*7.3)*math.Cos(lat*5.1) + 300*math.Sin((lon+lat)*23)
}

// writeHGT writes an SRTM tile named name (like N21E105.hgt) with side
// samples a side into dir, heights from terrain rounded to whole metres,
// and the samples of voids set to -32768. It returns the path and the
// heights it wrote (NaN for voids) as a grid.
func writeHGT(tb testing.TB, dir, name string, side int, lon0, lat0 int, voids [][2]int) (string, *geo.Grid) {
	tb.Helper()
	step := 1 / float64(side-1)
	g, err := geo.NewGrid(side, side, float64(lon0)-step/2, float64(lat0+1)+step/2, step, step)
	if err != nil {
		tb.Fatal(err)
	}
	b := make([]byte, 2*side*side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			p := g.CellCentre(x, y)
			v := int16(math.Round(terrain(p[0], p[1])))
			g.Set(x, y, float32(v))
			binary.BigEndian.PutUint16(b[2*(y*side+x):], uint16(v))
		}
	}
	for _, v := range voids {
		x, y := v[0], v[1]
		g.Set(x, y, float32(math.NaN()))
		binary.BigEndian.PutUint16(b[2*(y*side+x):], uint16(0x8000))
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p, g
}

// synthGrid returns a w×h grid at 3" whose north-west corner is at
// (west, north), with terrain heights (whole metres when whole is set, as
// int16 files hold) and NaN at voids.
func synthGrid(tb testing.TB, w, h int, west, north float64, whole bool, voids [][2]int) *geo.Grid {
	tb.Helper()
	const step = 1.0 / 1200
	g, err := geo.NewGrid(w, h, west, north, step, step)
	if err != nil {
		tb.Fatal(err)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := g.CellCentre(x, y)
			v := terrain(p[0], p[1])
			if whole {
				v = math.Round(v)
			}
			g.Set(x, y, float32(v))
		}
	}
	for _, v := range voids {
		g.Set(v[0], v[1], float32(math.NaN()))
	}
	return g
}

// writeGeoTIFF encodes g with opt into dir/name and returns the path.
func writeGeoTIFF(tb testing.TB, dir, name string, g *geo.Grid, nodata float32, opt geotiff.Options) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := geotiff.Encode(&buf, g, nodata, opt); err != nil {
		tb.Fatalf("geotiff.Encode(%+v) = %v", opt, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// sameGrid reports the first cell where got and want differ by more than
// tol (NaN must match NaN), and whether the georeferences agree.
func sameGrid(tb testing.TB, got, want *geo.Grid, tol float64) {
	tb.Helper()
	if got.W != want.W || got.H != want.H {
		tb.Fatalf("grid is %dx%d, want %dx%d", got.W, got.H, want.W, want.H)
	}
	const degTol = 1e-9
	if !geo.Near(got.West, want.West, degTol) || !geo.Near(got.North, want.North, degTol) ||
		!geo.Near(got.DLon, want.DLon, degTol) || !geo.Near(got.DLat, want.DLat, degTol) {
		tb.Fatalf("georeference (%.9f, %.9f, %.9g, %.9g), want (%.9f, %.9f, %.9g, %.9g)",
			got.West, got.North, got.DLon, got.DLat, want.West, want.North, want.DLon, want.DLat)
	}
	for y := 0; y < got.H; y++ {
		for x := 0; x < got.W; x++ {
			a, b := float64(got.At(x, y)), float64(want.At(x, y))
			if math.IsNaN(a) != math.IsNaN(b) || (!math.IsNaN(a) && !geo.Near(a, b, tol)) {
				tb.Fatalf("cell (%d, %d) = %v, want %v", x, y, a, b)
			}
		}
	}
}

func writeFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}
