package dem_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/dem"
	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
	"btsplan/planning"
)

func TestDecodeSharedHGT(t *testing.T) {
	p := sharedDEM(t, "N21E105.hgt")
	g, info, err := dem.Decode(p)
	if err != nil {
		t.Fatalf("Decode(%s) = %v", p, err)
	}
	// SOURCES.md: 1201×1201 3" samples, 1539 voids, valid heights -60..1582.
	if info.Format != dem.FormatHGT || info.Tile != "N21E105" || g.W != 1201 || g.H != 1201 {
		t.Errorf("Decode(%s) = %s %s %dx%d, want hgt N21E105 1201x1201", p, info.Format, info.Tile, g.W, g.H)
	}
	if info.Voids != 1539 || geo.CountVoids(g) != 1539 {
		t.Errorf("voids = %d (NaN cells %d), want 1539", info.Voids, geo.CountVoids(g))
	}
	// The sample at column 0, row 1200 sits on 105°E, 21°N.
	if c := g.CellCentre(0, 1200); !geo.Near(c[0], 105, 1e-9) || !geo.Near(c[1], 21, 1e-9) {
		t.Errorf("CellCentre(0, 1200) = %v, want [105 21]", c)
	}
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, v := range g.Pix {
		if v == v {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo != -60 || hi != 1582 {
		t.Errorf("heights run %v..%v, want -60..1582", lo, hi)
	}
}

// TestHGTAndGeoTIFFAgree checks the clip against the tile it was cut from,
// at every shared cell: same heights, same voids.
func TestHGTAndGeoTIFFAgree(t *testing.T) {
	tile, _, err := dem.Decode(sharedDEM(t, "N21E105.hgt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		voids int
	}{
		{"srtm3_vinhphuc_clip.tif", 631},
		{"srtm3_vinhphuc_clip_voidfilled.tif", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clip, info, err := dem.Decode(sharedDEM(t, tc.name))
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != dem.FormatGeoTIFF || info.Sample != "int16" || clip.W != 780 || clip.H != 780 || info.Voids != tc.voids {
				t.Fatalf("Decode = %s %s %dx%d voids %d, want geotiff int16 780x780 voids %d",
					info.Format, info.Sample, clip.W, clip.H, info.Voids, tc.voids)
			}
			// SOURCES.md: origin 105.229583 E / 21.760417 N.
			if !geo.Near(clip.West, 105.229583, 1e-6) || !geo.Near(clip.North, 21.760417, 1e-6) {
				t.Errorf("origin (%.6f, %.6f), want (105.229583, 21.760417)", clip.West, clip.North)
			}
			fx := (clip.West - tile.West) / tile.DLon
			fy := (tile.North - clip.North) / tile.DLat
			ox, oy := int(math.Round(fx)), int(math.Round(fy))
			if !geo.Near(fx, float64(ox), 1e-6) || !geo.Near(fy, float64(oy), 1e-6) || !geo.Near(clip.DLon, tile.DLon, 1e-12) {
				t.Fatalf("clip is not on the tile's lattice: offset (%g, %g) cells", fx, fy)
			}
			compared, voidsBoth := 0, 0
			for y := 0; y < clip.H; y++ {
				for x := 0; x < clip.W; x++ {
					a, b := clip.At(x, y), tile.At(x+ox, y+oy)
					switch {
					case a != a && b != b:
						voidsBoth++
					case a != a:
						t.Fatalf("clip (%d, %d) is a void, tile has %v", x, y, b)
					case b != b:
						if tc.voids > 0 {
							t.Fatalf("clip (%d, %d) = %v, tile has a void", x, y, a)
						}
					case a != b:
						t.Fatalf("clip (%d, %d) = %v, tile (%d, %d) = %v", x, y, a, x+ox, y+oy, b)
					default:
						compared++
					}
				}
			}
			if voidsBoth != tc.voids || compared < 780*780-631 {
				t.Errorf("compared %d cells with %d shared voids, want ≥ %d and %d", compared, voidsBoth, 780*780-631, tc.voids)
			}
		})
	}
}

func TestDecodeSyntheticHGT(t *testing.T) {
	for _, side := range []int{1201, 3601} {
		t.Run(fmt.Sprint(side), func(t *testing.T) {
			dir := t.TempDir()
			voids := [][2]int{{0, 0}, {5, 7}, {6, 7}, {side - 1, side - 1}}
			p, want := writeHGT(t, dir, "s09w078.hgt", side, -78, -9, voids)
			g, info, err := dem.Decode(p)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", p, err)
			}
			sameGrid(t, g, want, 0)
			if info.Tile != "S09W078" || info.Voids != len(voids) {
				t.Errorf("tile %q with %d voids, want S09W078 with %d", info.Tile, info.Voids, len(voids))
			}
			if sw := g.CellCentre(0, side-1); !geo.Near(sw[0], -78, 1e-9) || !geo.Near(sw[1], -9, 1e-9) {
				t.Errorf("south-west sample at %v, want [-78 -9]", sw)
			}
		})
	}
}

// TestDecodeGeoTIFFLayouts writes the same grid, with voids, in every
// layout the decoder claims and checks it comes back unchanged.
func TestDecodeGeoTIFFLayouts(t *testing.T) {
	voids := [][2]int{{0, 0}, {3, 4}, {4, 4}, {69, 40}}
	type layout struct {
		name   string
		opt    geotiff.Options
		nodata float32
	}
	var cases []layout
	for _, comp := range []geotiff.Compression{geotiff.Uncompressed, geotiff.Deflate, geotiff.LZW} {
		for _, tile := range []int{0, 16, 32} {
			for _, int16 := range []bool{true, false} {
				preds := []geotiff.Predictor{geotiff.PredictorNone, geotiff.PredictorHorizontal}
				if !int16 {
					preds = append(preds, geotiff.PredictorFloat)
				}
				for _, pred := range preds {
					for _, big := range []bool{false, true} {
						nodata := float32(hgtVoid)
						if !int16 && big {
							nodata = float32(math.NaN())
						}
						cases = append(cases, layout{
							name:   fmt.Sprintf("%v/tile%d/int16=%v/pred%d/big=%v", comp, tile, int16, pred, big),
							opt:    geotiff.Options{Compression: comp, Predictor: pred, TileSize: tile, Int16: int16, BigEndian: big, PixelIsPoint: tile == 16},
							nodata: nodata,
						})
					}
				}
			}
		}
	}
	dir := t.TempDir()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// 70×41 leaves partial tiles and strips at the edges.
			want := synthGrid(t, 70, 41, 105.5-1.0/2400, 21.25+1.0/2400, tc.opt.Int16, voids)
			p := writeGeoTIFF(t, dir, fmt.Sprintf("case%03d.tif", i), want, tc.nodata, tc.opt)
			g, info, err := dem.Decode(p)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", p, err)
			}
			sameGrid(t, g, want, 0)
			if info.Voids != len(voids) || info.Tiled != (tc.opt.TileSize > 0) {
				t.Errorf("voids %d tiled %v, want %d %v", info.Voids, info.Tiled, len(voids), tc.opt.TileSize > 0)
			}
		})
	}
}

// patch replaces the first occurrence of the uint16 sequence from with to
// (same length) in b, in byte order o.
func patch(tb testing.TB, b []byte, o binary.ByteOrder, from, to []uint16) []byte {
	tb.Helper()
	enc := func(vs []uint16) []byte {
		out := make([]byte, 2*len(vs))
		for i, v := range vs {
			o.PutUint16(out[2*i:], v)
		}
		return out
	}
	f, tt := enc(from), enc(to)
	i := bytes.Index(b, f)
	if i < 0 {
		tb.Fatalf("pattern %v not in the file", from)
	}
	out := bytes.Clone(b)
	copy(out[i:], tt)
	return out
}

// ifdShort returns the sequence (tag, type, count lo, count hi) that starts
// the IFD entry of a SHORT tag with count 1 in a little-endian file, for
// patching its value, which follows.
func ifdShort(tag uint16) []uint16 { return []uint16{tag, 3, 1, 0} }

func TestDecodeErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	g := synthGrid(t, 20, 20, 105.5, 21.5, true, nil)
	var tiffBuf bytes.Buffer
	if err := geotiff.Encode(&tiffBuf, g, hgtVoid, geotiff.Options{Int16: true}); err != nil {
		t.Fatal(err)
	}
	good := tiffBuf.Bytes()
	le := binary.LittleEndian
	hgt3 := make([]byte, 1201*1201*2)

	cases := []struct {
		name, path, reason string
	}{
		{"not a DEM", write("notes.txt", []byte("hello, world\n")), "not an SRTM .hgt tile or a GeoTIFF"},
		{"zip named .tif", write("N21E105x.tif", []byte("PK\x03\x04 zip")), "not an SRTM .hgt tile or a GeoTIFF"},
		{"HGT of the wrong size", write("N21E105.hgt", make([]byte, 1000)), "size 1000 bytes is not an SRTM tile"},
		{"HGT of a 2-byte shortfall", write("N21E106.hgt", make([]byte, 1201*1201*2-2)), "is not an SRTM tile"},
		{"bad tile name", write("tile21.hgt", hgt3), `tile name "tile21.hgt" is not like N21E105.hgt`},
		{"tile name off the Earth", write("N95E105.hgt", hgt3), "names no 1° cell"},
		{"JPEG compression", write("jpeg.tif", patch(t, good, le, append(ifdShort(259), 8), append(ifdShort(259), 7))), "unsupported compression 7 (JPEG)"},
		{"ZSTD compression", write("zstd.tif", patch(t, good, le, append(ifdShort(259), 8), append(ifdShort(259), 50000))), "unsupported compression 50000 (ZSTD)"},
		{"uint16 samples", write("uint16.tif", patch(t, good, le, append(ifdShort(339), 2), append(ifdShort(339), 1))), "unsupported sample format: uint16"},
		{"8-bit samples", write("byte.tif", patch(t, good, le, append(ifdShort(258), 16), append(ifdShort(258), 8))), "unsupported sample format: int8"},
		{"CRS EPSG:4269", write("nad83.tif", patch(t, good, le, []uint16{2048, 0, 1, 4326}, []uint16{2048, 0, 1, 4269})), "unsupported CRS EPSG:4269"},
		{"projected CRS", write("utm.tif", patch(t, patch(t, good, le, []uint16{1024, 0, 1, 2}, []uint16{1024, 0, 1, 1}),
			le, []uint16{2048, 0, 1, 4326}, []uint16{3072, 0, 1, 32648})), "unsupported CRS EPSG:32648 (projected)"},
		{"no GeoKeys", write("plain.tif", patch(t, good, le, []uint16{34735, 3}, []uint16{34736, 3})), "no GeoKeyDirectory"},
		{"unknown predictor", write("pred.tif", patch(t, good, le, append(ifdShort(317), 2), append(ifdShort(317), 9))), "unsupported predictor 9"},
		{"BigTIFF", write("big.tif", []byte("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00")), "BigTIFF is not supported"},
		{"truncated TIFF", write("short.tif", good[:200]), "corrupt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := dem.Decode(tc.path)
			if err == nil {
				t.Fatalf("Decode(%s) = nil error, want %q", tc.path, tc.reason)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.path) || !strings.Contains(msg, tc.reason) {
				t.Errorf("Decode(%s) = %q, want the file name and %q", tc.path, msg, tc.reason)
			}
			if k := planning.KindOf(err); k != planning.Invalid {
				t.Errorf("KindOf(%v) = %v, want invalid", err, k)
			}
		})
	}

	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(dir, "N00E000.hgt")
		_, _, err := dem.Decode(p)
		if k := planning.KindOf(err); k != planning.NotFound || !strings.Contains(fmt.Sprint(err), p) {
			t.Errorf("Decode(%s) = %v (%v), want a not-found error naming the file", p, err, k)
		}
	})
}
