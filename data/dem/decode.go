package dem

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"btsplan/geo"
	"btsplan/planning"
)

// Format names of DecodeInfo.Format.
const (
	FormatHGT     = "hgt"
	FormatGeoTIFF = "geotiff"
)

// srtmVoid is the void marker of SRTM, which int16 GeoTIFFs cut from SRTM
// keep; it is never a height.
const srtmVoid = -32768

// DecodeInfo describes a decoded file.
type DecodeInfo struct {
	Format string // FormatHGT or FormatGeoTIFF
	// Tile is the key the store files the raster under: the tile name
	// (N21E105) of an HGT, the base name without extension of a GeoTIFF.
	Tile          string
	Width, Height int
	// StepLonDeg and StepLatDeg are the cell sizes in degrees.
	StepLonDeg, StepLatDeg float64
	Sample                 string  // "int16" or "float32"
	NoData                 float64 // the file's nodata value; -32768 for HGT; NaN if none
	Voids                  int     // cells that were nodata, now NaN in the grid
	Compression            string  // "none", "deflate" or "lzw"; "none" for HGT
	Predictor              int     // TIFF predictor (1 none, 2 horizontal, 3 floating point)
	Tiled                  bool    // GeoTIFF in tiles rather than strips
	PixelIsPoint           bool    // GeoTIFF whose tiepoint is a cell centre (the grid accounts for it)
	Bytes                  int64   // size of the file
	SHA256                 string  // of the file, hex
}

// Decode reads the DEM at path, an SRTM .hgt tile or a single-band GeoTIFF
// in EPSG:4326, recognised by content (TIFF's magic number) and else by
// the .hgt extension. It returns the heights in metres as a geo.Grid in
// EPSG:4326, with NaN where the file has a void (-32768, NaN or the file's
// nodata): voids are never read as heights. Decode fills nothing; call
// geo.FillVoids on the grid for that.
//
// Errors are Invalid and name the file and the reason: a file that is
// neither an HGT nor a TIFF, an HGT of the wrong size or with a bad tile
// name, a TIFF with an unsupported compression, predictor, sample format,
// layout or CRS (anything but EPSG:4326 with ModelPixelScale and
// ModelTiepoint), or corrupt data; NotFound when the file does not exist.
func Decode(path string) (*geo.Grid, DecodeInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		kind := planning.Invalid
		if errors.Is(err, fs.ErrNotExist) {
			kind = planning.NotFound
		}
		return nil, DecodeInfo{}, &planning.Error{Op: "decode dem", Kind: kind, Field: path, Err: err}
	}
	g, info, err := decodeBytes(filepath.Base(path), b)
	if err != nil {
		return nil, DecodeInfo{}, &planning.Error{Op: "decode dem", Kind: planning.Invalid, Field: path, Err: err}
	}
	sum := sha256.Sum256(b)
	info.SHA256 = hex.EncodeToString(sum[:])
	info.Bytes = int64(len(b))
	return g, info, nil
}

// decodeBytes decodes the content b of the file called base.
func decodeBytes(base string, b []byte) (*geo.Grid, DecodeInfo, error) {
	switch {
	case len(b) >= 4 && (bytes.Equal(b[:4], []byte("II*\x00")) || bytes.Equal(b[:4], []byte("MM\x00*"))):
		return decodeGeoTIFF(base, b)
	case len(b) >= 4 && (bytes.Equal(b[:4], []byte("II+\x00")) || bytes.Equal(b[:4], []byte("MM\x00+"))):
		return nil, DecodeInfo{}, errors.New("BigTIFF is not supported; write a classic TIFF (gdal_translate -co BIGTIFF=NO)")
	case strings.EqualFold(filepath.Ext(base), ".hgt"):
		return decodeHGT(base, b)
	}
	return nil, DecodeInfo{}, errors.New("not an SRTM .hgt tile or a GeoTIFF")
}

// checkExtent returns an error unless the raster lies on the Earth.
func checkExtent(g *geo.Grid) error {
	b := g.Bound()
	if math.IsNaN(b.Min[0]+b.Min[1]+b.Max[0]+b.Max[1]) || math.IsInf(b.Min[0]+b.Min[1]+b.Max[0]+b.Max[1], 0) {
		return errors.New("the georeference is not finite")
	}
	// Half a cell of slack: SRTM tiles on the antimeridian or the poles put
	// their outer cell centres on the edge.
	if b.Min[0] < -180-g.DLon || b.Max[0] > 180+g.DLon || b.Min[1] < -90-g.DLat || b.Max[1] > 90+g.DLat {
		return fmt.Errorf("extent %v..%v is not in EPSG:4326 degrees", b.Min, b.Max)
	}
	return nil
}
