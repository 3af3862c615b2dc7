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

	"github.com/hhrutter/lzw"

	"btsplan/geo"
)

// Compression is the compression of the samples of a GeoTIFF.
type Compression int

// The compressions Encode writes.
const (
	Deflate      Compression = iota // TIFF compression 8 (a zlib stream); the default
	Uncompressed                    // TIFF compression 1
	LZW                             // TIFF compression 5
)

func (c Compression) String() string {
	switch c {
	case Deflate:
		return "deflate"
	case Uncompressed:
		return "none"
	case LZW:
		return "lzw"
	}
	return "compression(" + strconv.Itoa(int(c)) + ")"
}

// Predictor is the TIFF predictor applied to each row before compression.
type Predictor int

// The predictors Encode writes.
const (
	// PredictorAuto is floating point for float32 samples and horizontal
	// differencing for int16 ones, or none when uncompressed.
	PredictorAuto       Predictor = iota
	PredictorNone                 // TIFF predictor 1
	PredictorHorizontal           // TIFF predictor 2: differences of whole samples
	PredictorFloat                // TIFF predictor 3: byte planes, then differences; float32 only
)

// Options selects the layout of a GeoTIFF. The zero value is what
// Write writes: float32 samples in strips, DEFLATE with the
// floating-point predictor, little-endian, PixelIsArea.
type Options struct {
	Compression Compression
	Predictor   Predictor
	// TileSize, when positive, writes square tiles of that many cells (a
	// multiple of 16, as TIFF requires); zero writes strips of about 64 KiB.
	TileSize int
	// Int16 writes int16 samples, rounded to the nearest integer and
	// clamped; nodata must then be an integer in the int16 range.
	Int16 bool
	// PixelIsPoint declares RasterPixelIsPoint: the tiepoint is then the
	// centre of the north-west cell rather than its corner. The georeference
	// is the same; only the encoding differs.
	PixelIsPoint bool
	// BigEndian writes a big-endian ("MM") file.
	BigEndian bool
}

// maxStripBytes is the uncompressed size a strip aims at.
const maxStripBytes = 64 << 10

// Write writes g as a single-band float32 GeoTIFF in EPSG:4326:
// GTModelType geographic, GTRasterType PixelIsArea, GeographicType 4326,
// ModelPixelScale and ModelTiepoint from g's geotransform, and the
// GDAL_NODATA tag. NaN cells are written as nodata (which may itself be
// NaN). Samples are DEFLATE-compressed with the floating-point predictor,
// which GDAL, QGIS and libtiff read. The error is about the grid or w.
func Write(w io.Writer, g *geo.Grid, nodata float32) error {
	return Encode(w, g, nodata, Options{})
}

// Encode writes g as a single-band GeoTIFF in EPSG:4326 with the
// layout opt selects. It returns an error for an invalid grid, an option
// that TIFF does not allow (the floating-point predictor on int16 samples,
// a tile size that is not a multiple of 16, a non-integer int16 nodata), a
// file over the 4 GiB of classic TIFF, or a failed write.
func Encode(w io.Writer, g *geo.Grid, nodata float32, opt Options) error {
	if err := g.Check(); err != nil {
		return fmt.Errorf("write geotiff: %w", err)
	}
	e, err := newEncoder(g, nodata, opt)
	if err != nil {
		return fmt.Errorf("write geotiff: %w", err)
	}
	if err := e.encodeChunks(); err != nil {
		return fmt.Errorf("write geotiff: %w", err)
	}
	if err := e.writeTo(w); err != nil {
		return fmt.Errorf("write geotiff: %w", err)
	}
	return nil
}

type encoder struct {
	g      *geo.Grid
	opt    Options
	order  binary.ByteOrder
	nodata float32
	nodI16 int16
	bps    int // bytes per sample
	comp   uint16
	pred   uint16
	tiled  bool
	// blockW×blockH is the tile size, or the width × rows per strip.
	blockW, blockH int
	across, down   int
	chunks         [][]byte
}

func newEncoder(g *geo.Grid, nodata float32, opt Options) (*encoder, error) {
	e := &encoder{g: g, opt: opt, nodata: nodata, order: binary.LittleEndian, bps: 4}
	if opt.BigEndian {
		e.order = binary.BigEndian
	}
	if opt.Int16 {
		e.bps = 2
		if nodata != float32(math.Round(float64(nodata))) || nodata < math.MinInt16 || nodata > math.MaxInt16 {
			return nil, fmt.Errorf("int16 nodata %v is not an integer in [-32768, 32767]", nodata)
		}
		e.nodI16 = int16(nodata)
	}
	switch opt.Compression {
	case Deflate:
		e.comp = compressionDeflate
	case Uncompressed:
		e.comp = compressionNone
	case LZW:
		e.comp = compressionLZW
	default:
		return nil, fmt.Errorf("unknown %v", opt.Compression)
	}
	switch opt.Predictor {
	case PredictorAuto:
		switch {
		case opt.Compression == Uncompressed:
			e.pred = 1
		case opt.Int16:
			e.pred = 2
		default:
			e.pred = 3
		}
	case PredictorNone:
		e.pred = 1
	case PredictorHorizontal:
		e.pred = 2
	case PredictorFloat:
		if opt.Int16 {
			return nil, errors.New("the floating-point predictor needs float32 samples")
		}
		e.pred = 3
	default:
		return nil, fmt.Errorf("unknown predictor %d", opt.Predictor)
	}
	if opt.TileSize < 0 || opt.TileSize%16 != 0 {
		return nil, fmt.Errorf("tile size %d is not a positive multiple of 16", opt.TileSize)
	}
	if opt.TileSize > 0 {
		e.tiled = true
		e.blockW, e.blockH = opt.TileSize, opt.TileSize
	} else {
		e.blockW = g.W
		e.blockH = max(1, min(g.H, maxStripBytes/(g.W*e.bps)))
	}
	e.across = (g.W + e.blockW - 1) / e.blockW
	e.down = (g.H + e.blockH - 1) / e.blockH
	return e, nil
}

// encodeChunks fills e.chunks with the compressed strips or tiles, row-major.
func (e *encoder) encodeChunks() error {
	g := e.g
	raw := make([]byte, e.blockW*e.blockH*e.bps)
	var tmp []byte
	if e.pred == 3 {
		tmp = make([]byte, e.blockW*e.bps)
	}
	var out bytes.Buffer
	e.chunks = make([][]byte, 0, e.across*e.down)
	for cy := 0; cy < e.down; cy++ {
		for cx := 0; cx < e.across; cx++ {
			x0, y0 := cx*e.blockW, cy*e.blockH
			rows := e.blockH
			if !e.tiled {
				rows = min(e.blockH, g.H-y0)
			}
			buf := raw[:e.blockW*rows*e.bps]
			for r := 0; r < rows; r++ {
				y := y0 + r
				row := buf[r*e.blockW*e.bps : (r+1)*e.blockW*e.bps]
				for c := 0; c < e.blockW; c++ {
					x := x0 + c
					v := e.nodata // tiles are padded with nodata
					if x < g.W && y < g.H {
						if s := g.Pix[y*g.Stride+x]; s == s {
							v = s
						}
					}
					e.putSample(row[c*e.bps:], v)
				}
				e.predict(row, tmp)
			}
			out.Reset()
			if err := e.compress(&out, buf); err != nil {
				return err
			}
			e.chunks = append(e.chunks, bytes.Clone(out.Bytes()))
		}
	}
	return nil
}

func (e *encoder) putSample(b []byte, v float32) {
	if e.bps == 4 {
		e.order.PutUint32(b, math.Float32bits(v))
		return
	}
	var i int16
	switch {
	case v != v:
		i = e.nodI16
	case v <= math.MinInt16:
		i = math.MinInt16
	case v >= math.MaxInt16:
		i = math.MaxInt16
	default:
		i = int16(math.Round(float64(v)))
	}
	e.order.PutUint16(b, uint16(i))
}

// predict applies the predictor to one row of samples in file byte order.
func (e *encoder) predict(row, tmp []byte) {
	switch {
	case e.pred == 2 && e.bps == 2:
		for i := len(row) - 2; i >= 2; i -= 2 {
			e.order.PutUint16(row[i:], e.order.Uint16(row[i:])-e.order.Uint16(row[i-2:]))
		}
	case e.pred == 2 && e.bps == 4:
		for i := len(row) - 4; i >= 4; i -= 4 {
			e.order.PutUint32(row[i:], e.order.Uint32(row[i:])-e.order.Uint32(row[i-4:]))
		}
	case e.pred == 3:
		// Byte planes, most significant first, whatever the file's byte
		// order (TIFF Technical Note 3), then byte differences.
		n := len(row) / 4
		for k := 0; k < n; k++ {
			bits := e.order.Uint32(row[4*k:])
			tmp[k] = byte(bits >> 24)
			tmp[n+k] = byte(bits >> 16)
			tmp[2*n+k] = byte(bits >> 8)
			tmp[3*n+k] = byte(bits)
		}
		for i := len(row) - 1; i >= 1; i-- {
			tmp[i] -= tmp[i-1]
		}
		copy(row, tmp[:len(row)])
	}
}

func (e *encoder) compress(out *bytes.Buffer, raw []byte) error {
	switch e.comp {
	case 1:
		out.Write(raw)
		return nil
	case 8:
		zw := zlib.NewWriter(out)
		if _, err := zw.Write(raw); err != nil {
			return err
		}
		return zw.Close()
	case 5:
		lw := lzw.NewWriter(out, true) // TIFF's LZW changes code width one code early
		if _, err := lw.Write(raw); err != nil {
			return err
		}
		return lw.Close()
	}
	return fmt.Errorf("compression %d", e.comp)
}

// ifdEntry is one tag with its value already encoded in the file's order.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

func (e *encoder) shorts(tag uint16, vs ...uint16) ifdEntry {
	b := make([]byte, 2*len(vs))
	for i, v := range vs {
		e.order.PutUint16(b[2*i:], v)
	}
	return ifdEntry{tag, typeShort, uint32(len(vs)), b}
}

func (e *encoder) longs(tag uint16, vs ...uint32) ifdEntry {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		e.order.PutUint32(b[4*i:], v)
	}
	return ifdEntry{tag, typeLong, uint32(len(vs)), b}
}

func (e *encoder) doubles(tag uint16, vs ...float64) ifdEntry {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		e.order.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return ifdEntry{tag, typeDouble, uint32(len(vs)), b}
}

func ascii(tag uint16, s string) ifdEntry {
	b := append([]byte(s), 0)
	return ifdEntry{tag, typeASCII, uint32(len(b)), b}
}

// nodataText formats nodata the way GDAL writes GDAL_NODATA.
func nodataText(v float32) string {
	if v != v {
		return "nan"
	}
	return strconv.FormatFloat(float64(v), 'g', -1, 32)
}

// writeTo lays the file out as header, IFD, out-of-line tag values, then
// the chunks, so that a reader finds the IFD in the first bytes.
func (e *encoder) writeTo(w io.Writer) error {
	g := e.g
	bits, format := uint16(32), uint16(sampleFormatFloat)
	if e.bps == 2 {
		bits, format = 16, sampleFormatInt
	}
	rasterType := uint16(rasterPixelIsArea)
	tieX, tieY := g.West, g.North
	if e.opt.PixelIsPoint {
		rasterType = rasterPixelIsPoint
		tieX, tieY = g.West+g.DLon/2, g.North-g.DLat/2
	}
	n := len(e.chunks)
	counts := make([]uint32, n)
	var dataLen uint64
	for i, c := range e.chunks {
		counts[i] = uint32(len(c))
		dataLen += uint64(len(c))
	}
	offsets := make([]uint32, n) // filled in once the layout is known

	entries := []ifdEntry{
		e.longs(tagImageWidth, uint32(g.W)),
		e.longs(tagImageLength, uint32(g.H)),
		e.shorts(tagBitsPerSample, bits),
		e.shorts(tagCompression, e.comp),
		e.shorts(tagPhotometric, 1), // BlackIsZero
	}
	offsetsTag := uint16(tagStripOffsets)
	if e.tiled {
		offsetsTag = tagTileOffsets
	}
	if !e.tiled {
		entries = append(entries, e.longs(tagStripOffsets, offsets...))
	}
	entries = append(entries, e.shorts(tagSamplesPerPixel, 1))
	if !e.tiled {
		entries = append(entries,
			e.longs(tagRowsPerStrip, uint32(e.blockH)),
			e.longs(tagStripByteCounts, counts...))
	}
	entries = append(entries, e.shorts(tagPlanarConfig, 1))
	if e.pred != 1 {
		entries = append(entries, e.shorts(tagPredictor, e.pred))
	}
	if e.tiled {
		entries = append(entries,
			e.longs(tagTileWidth, uint32(e.blockW)),
			e.longs(tagTileLength, uint32(e.blockH)),
			e.longs(tagTileOffsets, offsets...),
			e.longs(tagTileByteCounts, counts...))
	}
	entries = append(entries,
		e.shorts(tagSampleFormat, format),
		e.doubles(tagModelPixelScale, g.DLon, g.DLat, 0),
		e.doubles(tagModelTiepoint, 0, 0, 0, tieX, tieY, 0),
		e.shorts(tagGeoKeyDirectory,
			1, 1, 0, 4, // directory version, key revision 1.0, 4 keys
			keyGTModelType, 0, 1, modelTypeGeographic,
			keyGTRasterType, 0, 1, rasterType,
			keyGeographicType, 0, 1, geo.SRIDWGS84,
			keyGeogAngularUnits, 0, 1, angularUnitDegree),
		ascii(tagGDALNoData, nodataText(e.nodata)),
	)

	// Layout: out-of-line values start after the IFD, word-aligned.
	const headerLen = 8
	ifdLen := 2 + 12*len(entries) + 4
	pos := uint64(headerLen + ifdLen)
	valueAt := make([]uint64, len(entries))
	for i, en := range entries {
		if len(en.data) > 4 {
			pos += pos & 1
			valueAt[i] = pos
			pos += uint64(len(en.data))
		}
	}
	pos += pos & 1
	for i, c := range e.chunks {
		offsets[i] = uint32(pos)
		pos += uint64(len(c))
	}
	if pos > math.MaxUint32 {
		return fmt.Errorf("%d bytes exceed the 4 GiB of a classic TIFF", pos)
	}
	for i := range entries { // the offsets array now has its values
		if entries[i].tag == offsetsTag {
			entries[i] = e.longs(offsetsTag, offsets...)
		}
	}

	var head bytes.Buffer
	if e.opt.BigEndian {
		head.WriteString("MM")
	} else {
		head.WriteString("II")
	}
	var b8 [8]byte
	e.order.PutUint16(b8[:], 42)
	e.order.PutUint32(b8[2:], headerLen)
	head.Write(b8[:6])
	e.order.PutUint16(b8[:], uint16(len(entries)))
	head.Write(b8[:2])
	for i, en := range entries {
		var ent [12]byte
		e.order.PutUint16(ent[0:], en.tag)
		e.order.PutUint16(ent[2:], en.typ)
		e.order.PutUint32(ent[4:], en.count)
		if len(en.data) > 4 {
			e.order.PutUint32(ent[8:], uint32(valueAt[i]))
		} else {
			copy(ent[8:], en.data)
		}
		head.Write(ent[:])
	}
	head.Write([]byte{0, 0, 0, 0}) // no next IFD
	for i, en := range entries {
		if len(en.data) > 4 {
			for uint64(head.Len()) < valueAt[i] {
				head.WriteByte(0)
			}
			head.Write(en.data)
		}
	}
	if head.Len()&1 == 1 {
		head.WriteByte(0)
	}
	if _, err := w.Write(head.Bytes()); err != nil {
		return err
	}
	for _, c := range e.chunks {
		if _, err := w.Write(c); err != nil {
			return err
		}
	}
	return nil
}
