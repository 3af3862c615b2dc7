package geotiff_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
)

// testGrid is a 37×23 grid of 3" cells with a slope, negative values,
// fractions and three NaN voids; 37×23 leaves partial tiles and strips.
func testGrid(t *testing.T) *geo.Grid {
	t.Helper()
	const d = 1.0 / 1200
	g, err := geo.NewGrid(37, 23, 105.5, 21.5, d, d)
	if err != nil {
		t.Fatal(err)
	}
	for y := range g.H {
		for x := range g.W {
			g.Set(x, y, float32(x*7-y*3)+0.25)
		}
	}
	for _, v := range [][2]int{{0, 0}, {20, 11}, {36, 22}} {
		g.Set(v[0], v[1], float32(math.NaN()))
	}
	return g
}

// TestRoundTrip writes a grid in each layout and reads it back: the tags
// (the Info), the georeference and every value.
func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		opt      geotiff.Options
		nodata   float32
		wantInfo geotiff.Info // NoData and Voids are checked separately
	}{
		{"default", geotiff.Options{}, -9999,
			geotiff.Info{Sample: "float32", Compression: "deflate", Predictor: 3}},
		{"NaN nodata", geotiff.Options{}, float32(math.NaN()),
			geotiff.Info{Sample: "float32", Compression: "deflate", Predictor: 3}},
		{"lzw tiled big-endian", geotiff.Options{Compression: geotiff.LZW, TileSize: 16, BigEndian: true}, -9999,
			geotiff.Info{Sample: "float32", Compression: "lzw", Predictor: 3, Tiled: true}},
		{"int16 uncompressed point", geotiff.Options{Compression: geotiff.Uncompressed, Int16: true, PixelIsPoint: true}, -32767,
			geotiff.Info{Sample: "int16", Compression: "none", Predictor: 1, PixelIsPoint: true}},
		{"int16 deflate horizontal", geotiff.Options{Int16: true}, -32767,
			geotiff.Info{Sample: "int16", Compression: "deflate", Predictor: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := testGrid(t)
			var buf bytes.Buffer
			if err := geotiff.Encode(&buf, want, tt.nodata, tt.opt); err != nil {
				t.Fatalf("Encode = %v", err)
			}
			g, info, err := geotiff.Read(&buf)
			if err != nil {
				t.Fatalf("Read = %v", err)
			}
			wantInfo := tt.wantInfo
			wantInfo.Width, wantInfo.Height, wantInfo.Voids = want.W, want.H, 3
			got := info
			got.NoData = 0
			if got != wantInfo {
				t.Errorf("Info = %+v, want %+v (NoData aside)", info, wantInfo)
			}
			if nd := float32(info.NoData); !(nd == tt.nodata || nd != nd && tt.nodata != tt.nodata) {
				t.Errorf("NoData = %v, want %v", info.NoData, tt.nodata)
			}
			if g.W != want.W || g.H != want.H || g.West != want.West || g.North != want.North ||
				g.DLon != want.DLon || g.DLat != want.DLat {
				t.Errorf("georeference %dx%d at (%v, %v) step %v×%v, want %dx%d at (%v, %v) step %v×%v",
					g.W, g.H, g.West, g.North, g.DLon, g.DLat, want.W, want.H, want.West, want.North, want.DLon, want.DLat)
			}
			for y := range want.H {
				for x := range want.W {
					w := want.At(x, y)
					if tt.opt.Int16 && w == w {
						w = float32(math.Round(float64(w)))
					}
					if got := g.At(x, y); !(got == w || got != got && w != w) {
						t.Fatalf("cell (%d, %d) = %v, want %v", x, y, got, w)
					}
				}
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	var buf bytes.Buffer
	if err := geotiff.Write(&buf, testGrid(t), -9999); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"not a TIFF", []byte("GIF89a"), "corrupt TIFF"},
		{"truncated", good[:len(good)/2], "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := geotiff.Decode(tt.b); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestGDALReads checks that GDAL reads what Encode writes with the same
// size, georeference, CRS, nodata and values (gdal-bin, `make tools`).
func TestGDALReads(t *testing.T) {
	gdalinfo, err := exec.LookPath("gdalinfo")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("gdalinfo is not installed (gdal-bin; make tools): %v", err)
		}
		t.Skip("gdalinfo is not installed (gdal-bin; make tools)")
	}
	for _, opt := range []geotiff.Options{{}, {Compression: geotiff.LZW, TileSize: 16, BigEndian: true}, {Int16: true, PixelIsPoint: true}} {
		t.Run(fmt.Sprintf("%+v", opt), func(t *testing.T) {
			g := testGrid(t)
			var buf bytes.Buffer
			if err := geotiff.Encode(&buf, g, -9999, opt); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "g.tif")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(gdalinfo, "-json", "-stats", "--config", "GDAL_PAM_ENABLED", "NO", path).Output()
			if err != nil {
				t.Fatalf("gdalinfo: %v", err)
			}
			var info struct {
				Size         []int     `json:"size"`
				GeoTransform []float64 `json:"geoTransform"`
				StacCRS      struct {
					EPSG int `json:"proj:epsg"`
				} `json:"stac"`
				CoordinateSystem struct {
					WKT string `json:"wkt"`
				} `json:"coordinateSystem"`
				Bands []struct {
					Type        string   `json:"type"`
					NoDataValue *float64 `json:"noDataValue"`
					Minimum     float64  `json:"minimum"`
					Maximum     float64  `json:"maximum"`
				} `json:"bands"`
			}
			if err := json.Unmarshal(out, &info); err != nil {
				t.Fatalf("gdalinfo -json: %v\n%s", err, out)
			}
			if !slices.Equal(info.Size, []int{g.W, g.H}) {
				t.Errorf("gdalinfo size %v, want [%d %d]", info.Size, g.W, g.H)
			}
			wantGT := []float64{g.West, g.DLon, 0, g.North, 0, -g.DLat}
			if len(info.GeoTransform) != 6 {
				t.Fatalf("gdalinfo geoTransform %v, want %v", info.GeoTransform, wantGT)
			}
			for i := range wantGT {
				if math.Abs(info.GeoTransform[i]-wantGT[i]) > 1e-12 {
					t.Errorf("gdalinfo geoTransform %v, want %v", info.GeoTransform, wantGT)
					break
				}
			}
			if !strings.Contains(info.CoordinateSystem.WKT, `ID["EPSG",4326]`) {
				t.Errorf("gdalinfo CRS %q, want EPSG:4326", info.CoordinateSystem.WKT)
			}
			if len(info.Bands) != 1 {
				t.Fatalf("gdalinfo bands %+v, want one", info.Bands)
			}
			b := info.Bands[0]
			wantType := "Float32"
			if opt.Int16 {
				wantType = "Int16"
			}
			// The valid cells run from 7·0 − 3·22 + 0.25 at (0, 22) to
			// 7·36 + 0.25 at (36, 0); the voids are nodata.
			lo, hi := -65.75, 252.25
			if opt.Int16 {
				lo, hi = math.Round(lo), math.Round(hi)
			}
			if b.Type != wantType || b.NoDataValue == nil || *b.NoDataValue != -9999 || b.Minimum != lo || b.Maximum != hi {
				nd := "none"
				if b.NoDataValue != nil {
					nd = fmt.Sprint(*b.NoDataValue)
				}
				t.Errorf("gdalinfo band %s nodata %s min %v max %v, want %s nodata -9999 min %v max %v",
					b.Type, nd, b.Minimum, b.Maximum, wantType, lo, hi)
			}
		})
	}
}

// TestImports: geotiff is pure like geo; see doc.go.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "btsplan/geo/raster/geotiff").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	allowed := []string{"btsplan/geo", "github.com/paulmach/orb", "github.com/rwcarlsen/goexif", "github.com/hhrutter/lzw"}
	for _, d := range strings.Fields(string(out)) {
		first := strings.SplitN(d, "/", 2)[0]
		if d == "btsplan/geo/raster/geotiff" || !strings.Contains(first, ".") && first != "btsplan" {
			continue // itself, or the standard library
		}
		if d == "net/http" || !slices.ContainsFunc(allowed, func(a string) bool { return d == a || strings.HasPrefix(d, a+"/") }) {
			t.Errorf("geotiff depends on %s, want only the standard library and %v", d, allowed)
		}
	}
}
