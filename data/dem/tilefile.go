package dem

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"btsplan/geo"
)

// The stored tile format, all little-endian:
//
//	offset 0   [8]byte  magic "BTSDEM1\n"
//	offset 8   uint32   width
//	offset 12  uint32   height
//	offset 16  float64  west edge, degrees
//	offset 24  float64  north edge, degrees
//	offset 32  float64  cell width, degrees
//	offset 40  float64  cell height, degrees
//	offset 48  uint32   number of void indexes
//	offset 52  12 bytes zero
//	offset 64  width×height float32 heights (m), row-major from the north-west
//	then       sorted uint32 indexes y*width+x of the cells that were voids
//
// Rows are contiguous and fixed-size, so a window is one pread per row.
const (
	tileMagic     = "BTSDEM1\n"
	tileHeaderLen = 64
)

// tileHeader is the decoded header of a stored tile.
type tileHeader struct {
	w, h                    int
	west, north, dlon, dlat float64
	voids                   int
}

// writeTile writes g (voids already filled) and the indexes of its former
// voids to w in the stored format.
func writeTile(w io.Writer, g *geo.Grid, voidIdx []uint32) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var hdr [tileHeaderLen]byte
	copy(hdr[:], tileMagic)
	le := binary.LittleEndian
	le.PutUint32(hdr[8:], uint32(g.W))
	le.PutUint32(hdr[12:], uint32(g.H))
	le.PutUint64(hdr[16:], math.Float64bits(g.West))
	le.PutUint64(hdr[24:], math.Float64bits(g.North))
	le.PutUint64(hdr[32:], math.Float64bits(g.DLon))
	le.PutUint64(hdr[40:], math.Float64bits(g.DLat))
	le.PutUint32(hdr[48:], uint32(len(voidIdx)))
	if _, err := bw.Write(hdr[:]); err != nil {
		return err
	}
	row := make([]byte, 4*g.W)
	for y := 0; y < g.H; y++ {
		for x, v := range g.Pix[y*g.Stride : y*g.Stride+g.W] {
			le.PutUint32(row[4*x:], math.Float32bits(v))
		}
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	var b4 [4]byte
	for _, i := range voidIdx {
		le.PutUint32(b4[:], i)
		if _, err := bw.Write(b4[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// tileFile is an open stored tile.
type tileFile struct {
	f   *os.File
	hdr tileHeader
}

// openTile opens the stored tile at path and checks its header against its
// size.
func openTile(path string) (*tileFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var hdr [tileHeaderLen]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("read tile header: %w", err)
	}
	if string(hdr[:8]) != tileMagic {
		f.Close()
		return nil, errors.New("not a stored DEM tile")
	}
	le := binary.LittleEndian
	h := tileHeader{
		w:     int(le.Uint32(hdr[8:])),
		h:     int(le.Uint32(hdr[12:])),
		west:  math.Float64frombits(le.Uint64(hdr[16:])),
		north: math.Float64frombits(le.Uint64(hdr[24:])),
		dlon:  math.Float64frombits(le.Uint64(hdr[32:])),
		dlat:  math.Float64frombits(le.Uint64(hdr[40:])),
		voids: int(le.Uint32(hdr[48:])),
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if want := int64(tileHeaderLen) + 4*int64(h.w)*int64(h.h) + 4*int64(h.voids); st.Size() != want {
		f.Close()
		return nil, fmt.Errorf("stored tile has %d bytes, want %d", st.Size(), want)
	}
	return &tileFile{f: f, hdr: h}, nil
}

func (t *tileFile) Close() error { return t.f.Close() }

// readRow reads len(buf)/4 samples of row y from column x0 on into buf,
// still encoded (little-endian float32).
func (t *tileFile) readRow(y, x0 int, buf []byte) error {
	off := int64(tileHeaderLen) + 4*(int64(y)*int64(t.hdr.w)+int64(x0))
	_, err := t.f.ReadAt(buf, off)
	return err
}

// readVoids returns the indexes of the former voids.
func (t *tileFile) readVoids() ([]uint32, error) {
	if t.hdr.voids == 0 {
		return nil, nil
	}
	buf := make([]byte, 4*t.hdr.voids)
	off := int64(tileHeaderLen) + 4*int64(t.hdr.w)*int64(t.hdr.h)
	if _, err := t.f.ReadAt(buf, off); err != nil {
		return nil, err
	}
	out := make([]uint32, t.hdr.voids)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(buf[4*i:])
	}
	return out, nil
}
