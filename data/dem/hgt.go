package dem

import (
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"btsplan/geo"
)

// hgtName is the SRTM tile name: the south-west corner of the 1° cell.
var hgtName = regexp.MustCompile(`^([NSns])(\d{2})([EWew])(\d{3})\.[hH][gG][tT]$`)

// SRTM tile sizes: 1" and 3" tiles repeat their edge rows and columns, so
// a tile has one more sample than cells per degree.
const (
	hgtSide1 = 3601
	hgtSide3 = 1201
)

// decodeHGT decodes an SRTM tile: side×side big-endian int16 samples, rows
// from north to south, whose samples sit on the whole-degree lines. The
// grid's cells are centred on the samples, so its outer edges lie half a
// cell outside the 1° cell.
func decodeHGT(base string, b []byte) (*geo.Grid, DecodeInfo, error) {
	m := hgtName.FindStringSubmatch(base)
	if m == nil {
		return nil, DecodeInfo{}, fmt.Errorf("tile name %q is not like N21E105.hgt (the south-west corner)", base)
	}
	lat, _ := strconv.Atoi(m[2])
	lon, _ := strconv.Atoi(m[4])
	if strings.EqualFold(m[1], "S") {
		lat = -lat
	}
	if strings.EqualFold(m[3], "W") {
		lon = -lon
	}
	if lat < -90 || lat > 89 || lon < -180 || lon > 179 {
		return nil, DecodeInfo{}, fmt.Errorf("tile name %q names no 1° cell on the Earth", base)
	}
	var side int
	switch len(b) {
	case hgtSide1 * hgtSide1 * 2:
		side = hgtSide1
	case hgtSide3 * hgtSide3 * 2:
		side = hgtSide3
	default:
		return nil, DecodeInfo{}, fmt.Errorf("size %d bytes is not an SRTM tile (%d bytes for 1\", %d for 3\")",
			len(b), hgtSide1*hgtSide1*2, hgtSide3*hgtSide3*2)
	}
	step := 1 / float64(side-1)
	g := &geo.Grid{
		Pix: make([]float32, side*side), Stride: side, W: side, H: side,
		West: float64(lon) - step/2, North: float64(lat+1) + step/2,
		DLon: step, DLat: step,
	}
	nan := float32(math.NaN())
	voids := 0
	for i := range g.Pix {
		v := int16(binary.BigEndian.Uint16(b[2*i:]))
		if v == srtmVoid {
			g.Pix[i] = nan
			voids++
			continue
		}
		g.Pix[i] = float32(v)
	}
	info := DecodeInfo{
		Format: FormatHGT,
		Tile:   fmt.Sprintf("%s%02d%s%03d", strings.ToUpper(m[1]), abs(lat), strings.ToUpper(m[3]), abs(lon)),
		Width:  side, Height: side,
		StepLonDeg: step, StepLatDeg: step,
		Sample: "int16", NoData: srtmVoid, Voids: voids,
		Compression: "none", Predictor: 1,
	}
	return g, info, nil
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
