package dem

import (
	"math"
	"path/filepath"
	"regexp"
	"strings"

	"btsplan/geo"
	"btsplan/geo/raster/geotiff"
)

// decodeGeoTIFF decodes a DEM GeoTIFF with geo/raster/geotiff, then marks
// SRTM's -32768 as a void as well (GeoTIFFs cut from SRTM keep it without
// declaring it as GDAL_NODATA; it is never a height) and checks the
// extent.
func decodeGeoTIFF(base string, b []byte) (*geo.Grid, DecodeInfo, error) {
	g, ti, err := geotiff.Decode(b)
	if err != nil {
		return nil, DecodeInfo{}, err
	}
	voids := ti.Voids
	nan := float32(math.NaN())
	for i, v := range g.Pix {
		if v == srtmVoid {
			g.Pix[i] = nan
			voids++
		}
	}
	if err := checkExtent(g); err != nil {
		return nil, DecodeInfo{}, err
	}
	return g, DecodeInfo{
		Format: FormatGeoTIFF,
		Tile:   tileKey(base),
		Width:  ti.Width, Height: ti.Height,
		StepLonDeg: g.DLon, StepLatDeg: g.DLat,
		Sample:       ti.Sample,
		NoData:       ti.NoData,
		Voids:        voids,
		Compression:  ti.Compression,
		Predictor:    ti.Predictor,
		Tiled:        ti.Tiled,
		PixelIsPoint: ti.PixelIsPoint,
	}, nil
}

// tileKeyChars are the characters a tile key keeps from a file name.
var tileKeyChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// tileKey is the key of a GeoTIFF: its base name without the extension,
// reduced to characters that are safe in a file name.
func tileKey(base string) string {
	k := tileKeyChars.ReplaceAllString(strings.TrimSuffix(base, filepath.Ext(base)), "_")
	k = strings.TrimLeft(strings.TrimRight(k, "."), ".-")
	if k == "" {
		k = "tile"
	}
	return k
}
