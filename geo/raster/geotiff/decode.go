package geotiff

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/hhrutter/lzw"
	"github.com/rwcarlsen/goexif/tiff"

	"btsplan/geo"
)

// tiffLayout is what Decode needs from the IFD.
type tiffLayout struct {
	w, h           int
	bps            int // bytes per sample: 2 (int16) or 4 (float32)
	float          bool
	compression    int
	predictor      int
	tiled          bool
	blockW, blockH int // tile size, or width × rows per strip
	offsets        []int64
	counts         []int64
	order          binary.ByteOrder
}

// MaxCells bounds the size of a raster Decode accepts, so that a corrupt
// header cannot make it allocate gigabytes: 40000×40000 is a 10°×10°
// block at 1".
const MaxCells = 40000 * 40000

// Info describes a decoded GeoTIFF.
type Info struct {
	Width, Height int
	Sample        string  // "int16" or "float32"
	NoData        float64 // GDAL_NODATA; NaN when the file has none
	Voids         int     // cells that were NaN or NoData, now NaN in the grid
	Compression   string  // "none", "deflate" or "lzw"
	Predictor     int     // TIFF predictor (1 none, 2 horizontal, 3 floating point)
	Tiled         bool    // in tiles rather than strips
	PixelIsPoint  bool    // the tiepoint is a cell centre (the grid accounts for it)
}

// Read decodes the GeoTIFF that r holds (see Decode).
func Read(r io.Reader) (*geo.Grid, Info, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, Info{}, fmt.Errorf("read geotiff: %w", err)
	}
	return Decode(b)
}

// Decode decodes a single-band int16 or float32 GeoTIFF in EPSG:4326
// (what Encode writes, and what GDAL writes with the same options):
// strips or tiles, uncompressed, LZW or DEFLATE, any predictor, either
// byte order, PixelIsArea or PixelIsPoint. Cells that are NaN or the
// GDAL_NODATA value become NaN. goexif's tiff package parses the IFD; the
// chunks are read from b by the offsets it gives. Errors say what is
// corrupt or unsupported (another CRS, a rotated raster, more than one
// band, more than MaxCells cells).
func Decode(b []byte) (*geo.Grid, Info, error) {
	tf, err := tiff.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, Info{}, fmt.Errorf("corrupt TIFF: %w", err)
	}
	if len(tf.Dirs) == 0 {
		return nil, Info{}, errors.New("corrupt TIFF: no image directory")
	}
	// The first IFD is the full-resolution image; later ones are overviews
	// or masks, which are not needed.
	tags := map[uint16]*tiff.Tag{}
	for _, t := range tf.Dirs[0].Tags {
		tags[t.Id] = t
	}
	lay, err := readLayout(tags, tf.Order)
	if err != nil {
		return nil, Info{}, err
	}
	g, pixelIsPoint, err := readGeoreference(tags, lay.w, lay.h)
	if err != nil {
		return nil, Info{}, err
	}
	nodata := float32(math.NaN())
	nodata64 := math.NaN()
	if t := tags[tagGDALNoData]; t != nil {
		s, _ := t.StringVal()
		s = strings.TrimSpace(s)
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			nodata, nodata64 = float32(v), v
		} else if s != "" {
			return nil, Info{}, fmt.Errorf("GDAL_NODATA %q is not a number", s)
		}
	}
	voids, err := lay.readSamples(b, g, nodata)
	if err != nil {
		return nil, Info{}, err
	}
	info := Info{
		Width: lay.w, Height: lay.h,
		Sample:       "int16",
		NoData:       nodata64,
		Voids:        voids,
		Predictor:    lay.predictor,
		Tiled:        lay.tiled,
		PixelIsPoint: pixelIsPoint,
	}
	if lay.float {
		info.Sample = "float32"
	}
	switch lay.compression {
	case compressionNone:
		info.Compression = "none"
	case compressionLZW:
		info.Compression = "lzw"
	default:
		info.Compression = "deflate"
	}
	return g, info, nil
}

// tagInts returns the integer values of tag id, or nil when it is absent.
func tagInts(tags map[uint16]*tiff.Tag, id uint16) ([]int64, error) {
	t := tags[id]
	if t == nil {
		return nil, nil
	}
	if t.Format() != tiff.IntVal {
		return nil, fmt.Errorf("corrupt TIFF: tag %d is not an integer", id)
	}
	out := make([]int64, t.Count)
	for i := range out {
		v, err := t.Int64(i)
		if err != nil {
			return nil, fmt.Errorf("corrupt TIFF: tag %d: %w", id, err)
		}
		out[i] = v
	}
	return out, nil
}

// tagInt returns the single value of tag id, or def when it is absent.
func tagInt(tags map[uint16]*tiff.Tag, id uint16, def int64) (int64, error) {
	vs, err := tagInts(tags, id)
	if err != nil || vs == nil {
		return def, err
	}
	if len(vs) == 0 {
		return def, fmt.Errorf("corrupt TIFF: tag %d has no value", id)
	}
	return vs[0], nil
}

// tagFloats returns the floating-point values of tag id, or nil.
func tagFloats(tags map[uint16]*tiff.Tag, id uint16) ([]float64, error) {
	t := tags[id]
	if t == nil {
		return nil, nil
	}
	if t.Format() != tiff.FloatVal {
		return nil, fmt.Errorf("corrupt TIFF: tag %d is not a floating-point value", id)
	}
	out := make([]float64, t.Count)
	for i := range out {
		v, err := t.Float(i)
		if err != nil {
			return nil, fmt.Errorf("corrupt TIFF: tag %d: %w", id, err)
		}
		out[i] = v
	}
	return out, nil
}

// readLayout checks the image tags and returns the sample layout.
func readLayout(tags map[uint16]*tiff.Tag, order binary.ByteOrder) (tiffLayout, error) {
	lay := tiffLayout{order: order}
	w, err := tagInt(tags, tagImageWidth, 0)
	if err != nil {
		return lay, err
	}
	h, err := tagInt(tags, tagImageLength, 0)
	if err != nil {
		return lay, err
	}
	if w <= 0 || h <= 0 || w*h > MaxCells {
		return lay, fmt.Errorf("image size %dx%d is empty or larger than %d cells", w, h, MaxCells)
	}
	lay.w, lay.h = int(w), int(h)

	spp, err := tagInt(tags, tagSamplesPerPixel, 1)
	if err != nil {
		return lay, err
	}
	if spp != 1 {
		return lay, fmt.Errorf("%d samples per pixel: only single-band rasters are supported", spp)
	}
	bits, err := tagInts(tags, tagBitsPerSample)
	if err != nil {
		return lay, err
	}
	if len(bits) == 0 {
		bits = []int64{1}
	}
	sf, err := tagInt(tags, tagSampleFormat, sampleFormatUint)
	if err != nil {
		return lay, err
	}
	switch {
	case sf == sampleFormatInt && bits[0] == 16:
		lay.bps = 2
	case sf == sampleFormatFloat && bits[0] == 32:
		lay.bps, lay.float = 4, true
	default:
		return lay, fmt.Errorf("unsupported sample format: %s; only int16 and float32 are supported", sampleName(sf, bits[0]))
	}

	comp, err := tagInt(tags, tagCompression, compressionNone)
	if err != nil {
		return lay, err
	}
	switch comp {
	case compressionNone, compressionLZW, compressionDeflate, compressionDeflateV0:
		lay.compression = int(comp)
	default:
		return lay, fmt.Errorf("unsupported compression %d (%s); only none, LZW and DEFLATE are supported", comp, compressionName(comp))
	}
	pred, err := tagInt(tags, tagPredictor, predictorNone)
	if err != nil {
		return lay, err
	}
	switch {
	case pred == predictorNone, pred == predictorHorizontal:
	case pred == predictorFloatingPnt && lay.float:
	default:
		return lay, fmt.Errorf("unsupported predictor %d for %s samples", pred, sampleName(sf, bits[0]))
	}
	lay.predictor = int(pred)

	if _, ok := tags[tagTileWidth]; ok {
		lay.tiled = true
		tw, err := tagInt(tags, tagTileWidth, 0)
		if err != nil {
			return lay, err
		}
		th, err := tagInt(tags, tagTileLength, 0)
		if err != nil {
			return lay, err
		}
		if tw <= 0 || th <= 0 || tw*th > 1<<26 {
			return lay, fmt.Errorf("corrupt TIFF: tile size %dx%d", tw, th)
		}
		lay.blockW, lay.blockH = int(tw), int(th)
		if lay.offsets, err = tagInts(tags, tagTileOffsets); err != nil {
			return lay, err
		}
		if lay.counts, err = tagInts(tags, tagTileByteCounts); err != nil {
			return lay, err
		}
	} else {
		rps, err := tagInt(tags, tagRowsPerStrip, h)
		if err != nil {
			return lay, err
		}
		lay.blockW, lay.blockH = lay.w, int(min(max(rps, 1), h))
		if lay.offsets, err = tagInts(tags, tagStripOffsets); err != nil {
			return lay, err
		}
		if lay.counts, err = tagInts(tags, tagStripByteCounts); err != nil {
			return lay, err
		}
	}
	across := (lay.w + lay.blockW - 1) / lay.blockW
	down := (lay.h + lay.blockH - 1) / lay.blockH
	if len(lay.offsets) != across*down || len(lay.counts) != across*down {
		return lay, fmt.Errorf("corrupt TIFF: %d offsets and %d byte counts for %d chunks", len(lay.offsets), len(lay.counts), across*down)
	}
	return lay, nil
}

func sampleName(format, bits int64) string {
	switch format {
	case sampleFormatUint:
		return fmt.Sprintf("uint%d", bits)
	case sampleFormatInt:
		return fmt.Sprintf("int%d", bits)
	case sampleFormatFloat:
		return fmt.Sprintf("float%d", bits)
	}
	return fmt.Sprintf("sample format %d with %d bits", format, bits)
}

func compressionName(c int64) string {
	switch c {
	case 2, 3, 4:
		return "CCITT"
	case 6, 7:
		return "JPEG"
	case 32773:
		return "PackBits"
	case 34887:
		return "LERC"
	case 34925:
		return "LZMA"
	case 50000:
		return "ZSTD"
	case 50001:
		return "WebP"
	}
	return "unknown"
}

// readGeoreference checks that the GeoKeys declare EPSG:4326 and returns
// an empty grid (nil Pix) with the geotransform of ModelPixelScale and
// ModelTiepoint.
func readGeoreference(tags map[uint16]*tiff.Tag, w, h int) (*geo.Grid, bool, error) {
	keys, err := tagInts(tags, tagGeoKeyDirectory)
	if err != nil {
		return nil, false, err
	}
	if len(keys) < 4 {
		return nil, false, errors.New("no GeoKeyDirectory: not a GeoTIFF (the CRS must be EPSG:4326)")
	}
	n := int(keys[3])
	if len(keys) < 4+4*n {
		return nil, false, errors.New("corrupt GeoKeyDirectory")
	}
	key := map[int64]int64{}
	for i := 0; i < n; i++ {
		e := keys[4+4*i : 8+4*i]
		if e[1] == 0 { // the value is inline; others (ASCII, doubles) are not needed
			key[e[0]] = e[3]
		}
	}
	model, okModel := key[keyGTModelType]
	gcs, okGCS := key[keyGeographicType]
	if pcs, ok := key[keyProjectedCSType]; ok || model == modelTypeProjected {
		if ok && pcs != geoKeyUserDefined {
			return nil, false, fmt.Errorf("unsupported CRS EPSG:%d (projected); the raster must be in EPSG:%d", pcs, geo.SRIDWGS84)
		}
		return nil, false, fmt.Errorf("unsupported projected CRS; the raster must be in EPSG:%d", geo.SRIDWGS84)
	}
	switch {
	case okModel && model != modelTypeGeographic:
		return nil, false, fmt.Errorf("unsupported model type %d; the raster must be in EPSG:%d", model, geo.SRIDWGS84)
	case !okGCS:
		return nil, false, fmt.Errorf("the GeoKeys name no geographic CRS; the raster must be in EPSG:%d", geo.SRIDWGS84)
	case gcs == geoKeyUserDefined:
		return nil, false, fmt.Errorf("unsupported user-defined geographic CRS; the raster must be in EPSG:%d", geo.SRIDWGS84)
	case gcs != geo.SRIDWGS84:
		return nil, false, fmt.Errorf("unsupported CRS EPSG:%d; the raster must be in EPSG:%d", gcs, geo.SRIDWGS84)
	}
	if tags[tagModelTransform] != nil {
		return nil, false, errors.New("unsupported ModelTransformation; use ModelPixelScale and ModelTiepoint (a north-up raster)")
	}
	scale, err := tagFloats(tags, tagModelPixelScale)
	if err != nil {
		return nil, false, err
	}
	tie, err := tagFloats(tags, tagModelTiepoint)
	if err != nil {
		return nil, false, err
	}
	if len(scale) < 2 || len(tie) < 6 {
		return nil, false, errors.New("no ModelPixelScale and ModelTiepoint")
	}
	sx, sy := scale[0], scale[1]
	if !(sx > 0) || !(sy > 0) || math.IsInf(sx, 0) || math.IsInf(sy, 0) {
		return nil, false, fmt.Errorf("ModelPixelScale %g x %g is not a north-up cell size", sx, sy)
	}
	west := tie[3] - tie[0]*sx
	north := tie[4] + tie[1]*sy
	point := key[keyGTRasterType] == rasterPixelIsPoint
	if point {
		// The tiepoint is the centre of the cell, not its corner.
		west -= sx / 2
		north += sy / 2
	}
	return &geo.Grid{Stride: w, W: w, H: h, West: west, North: north, DLon: sx, DLat: sy}, point, nil
}

// readSamples decodes every chunk into g.Pix (which it allocates) and
// returns the number of voids, which it writes as NaN.
func (lay tiffLayout) readSamples(b []byte, g *geo.Grid, nodata float32) (int, error) {
	g.Pix = make([]float32, lay.w*lay.h)
	across := (lay.w + lay.blockW - 1) / lay.blockW
	rowBytes := lay.blockW * lay.bps
	buf := make([]byte, rowBytes*lay.blockH)
	var tmp []byte
	if lay.predictor == predictorFloatingPnt {
		tmp = make([]byte, rowBytes)
	}
	nan := float32(math.NaN())
	voids := 0
	for i := range lay.offsets {
		off, n := lay.offsets[i], lay.counts[i]
		if off < 0 || n < 0 || off+n > int64(len(b)) {
			return 0, fmt.Errorf("corrupt TIFF: chunk %d at %d+%d lies outside the %d-byte file", i, off, n, len(b))
		}
		cx, cy := i%across, i/across
		x0, y0 := cx*lay.blockW, cy*lay.blockH
		rows := lay.blockH
		if !lay.tiled {
			rows = min(lay.blockH, lay.h-y0)
		}
		raw := buf[:rows*rowBytes]
		if err := lay.decompress(b[off:off+n], raw); err != nil {
			return 0, fmt.Errorf("chunk %d: %w", i, err)
		}
		for r := 0; r < rows; r++ {
			y := y0 + r
			if y >= lay.h {
				break
			}
			row := raw[r*rowBytes : (r+1)*rowBytes]
			lay.unpredict(row, tmp)
			cols := min(lay.blockW, lay.w-x0)
			dst := g.Pix[y*g.Stride+x0 : y*g.Stride+x0+cols]
			for c := range dst {
				var v float32
				switch {
				case lay.predictor == predictorFloatingPnt:
					// unpredict left the samples big-endian.
					v = math.Float32frombits(binary.BigEndian.Uint32(row[4*c:]))
				case lay.float:
					v = math.Float32frombits(lay.order.Uint32(row[4*c:]))
				default:
					v = float32(int16(lay.order.Uint16(row[2*c:])))
				}
				if v != v || v == nodata {
					v = nan
					voids++
				}
				dst[c] = v
			}
		}
	}
	return voids, nil
}

// decompress fills raw from the compressed chunk src; a chunk that
// decompresses to fewer bytes is corrupt.
func (lay tiffLayout) decompress(src, raw []byte) error {
	var r io.Reader
	switch lay.compression {
	case compressionNone:
		if len(src) < len(raw) {
			return fmt.Errorf("corrupt TIFF: %d bytes, want %d", len(src), len(raw))
		}
		copy(raw, src)
		return nil
	case compressionLZW:
		lr := lzw.NewReader(bytes.NewReader(src), true) // TIFF's LZW widens codes one code early
		defer lr.Close()
		r = lr
	default:
		zr, err := zlib.NewReader(bytes.NewReader(src))
		if err != nil {
			return fmt.Errorf("corrupt DEFLATE data: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	if _, err := io.ReadFull(r, raw); err != nil {
		return fmt.Errorf("corrupt compressed data: %w", err)
	}
	return nil
}

// unpredict undoes the predictor on one row of a chunk, in place. For the
// floating-point predictor it leaves the samples big-endian, whatever the
// file's byte order (TIFF Technical Note 3).
func (lay tiffLayout) unpredict(row, tmp []byte) {
	switch {
	case lay.predictor == predictorHorizontal && lay.bps == 2:
		o := lay.order
		for i := 2; i+2 <= len(row); i += 2 {
			o.PutUint16(row[i:], o.Uint16(row[i:])+o.Uint16(row[i-2:]))
		}
	case lay.predictor == predictorHorizontal && lay.bps == 4:
		o := lay.order
		for i := 4; i+4 <= len(row); i += 4 {
			o.PutUint32(row[i:], o.Uint32(row[i:])+o.Uint32(row[i-4:]))
		}
	case lay.predictor == predictorFloatingPnt:
		for i := 1; i < len(row); i++ {
			row[i] += row[i-1]
		}
		n := len(row) / 4
		for k := 0; k < n; k++ {
			tmp[4*k] = row[k]
			tmp[4*k+1] = row[n+k]
			tmp[4*k+2] = row[2*n+k]
			tmp[4*k+3] = row[3*n+k]
		}
		copy(row, tmp)
	}
}
