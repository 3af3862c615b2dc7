package dem

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

// MaxWindowRadiusM is the largest radius Window accepts: 200 km is beyond
// any base station's reach and keeps a window at 1" under 150 MB.
const MaxWindowRadiusM = 200_000

// maxWindowLatDeg keeps windows away from the poles, where a disc spans
// every longitude.
const maxWindowLatDeg = 85

// WindowInfo says what a window was cut from.
type WindowInfo struct {
	// Version is a stable id of the elevation data of the disc: the
	// "dataset@version:tile" names of every current tile that meets the
	// disc's box, sorted and joined by commas, e.g. "srtm@2:N21E105". It
	// comes from the tile index alone, so Info gives the same Version as
	// Window without reading any tile; a tile that meets the box but that
	// finer tiles hide entirely still counts.
	Version string
	// Tiles are the names of the tiles the window was read from, sorted
	// (from Info: every tile that meets the box).
	Tiles []string
	// StepLonDeg and StepLatDeg are the window's cell size in degrees:
	// the finest tile's.
	StepLonDeg, StepLatDeg float64
	// Voids is the number of window cells whose height was a void of the
	// source, filled by interpolation at import. For a tile resampled onto
	// a finer lattice, a void counts once, in the cell holding its centre.
	Voids int
	// Missing is the number of cells that no tile covers; they are NaN.
	Missing int
}

// windowTile is a dem_tile row as Window reads it.
type windowTile struct {
	dataset, tile, path     string
	version                 int32
	w, h                    int32
	west, north, dlon, dlat float64
	voids                   int32
	sha256                  string
}

func (t windowTile) name() string { return fmt.Sprintf("%s@%d:%s", t.dataset, t.version, t.tile) }

// Window returns the heights (m, voids already filled) that cover the disc
// of radiusM metres around [lon, lat], mosaicked from every current tile
// at the finest cell size among them, as a geo.Grid in EPSG:4326. The grid
// is the bounding box of the disc, snapped outward to the cells of the
// finest tile, which is copied without resampling; where it has no data,
// the next tiles (finest first, then newest import) fill in, bilinearly
// resampled when their cells do not line up. Cells no tile covers are NaN
// and counted in WindowInfo.Missing.
//
// Errors: Invalid for a point off the Earth or beyond ±85° latitude, or a
// radius that is not in (0, MaxWindowRadiusM]; NotFound when no tile meets
// the disc's box; Unavailable when the database is down or too slow;
// Internal when a stored tile is missing or corrupt.
func (s *Store) Window(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, WindowInfo, error) {
	op := fmt.Sprintf("dem window of %g m around (%g, %g)", radiusM, lon, lat)
	g, info, err := s.window(ctx, lon, lat, radiusM)
	if err != nil {
		return nil, WindowInfo{}, &planning.Error{Op: op, Kind: planning.KindOf(err), Err: err}
	}
	return g, info, nil
}

// Info returns what Window would return for the same disc, but only
// what the tile index knows: the Version, the names of the tiles that meet
// the disc's box as Tiles, and the cell size; Voids and Missing are 0. It
// reads no tile file, so a caller can look up a cached result, or check
// the cost of a computation, before reading any terrain.
//
// Errors: as Window's, without Internal.
func (s *Store) Info(ctx context.Context, lon, lat, radiusM float64) (WindowInfo, error) {
	op := fmt.Sprintf("dem info of %g m around (%g, %g)", radiusM, lon, lat)
	tiles, _, err := s.discTiles(ctx, lon, lat, radiusM)
	if err != nil {
		return WindowInfo{}, &planning.Error{Op: op, Kind: planning.KindOf(err), Err: err}
	}
	info := WindowInfo{Version: tilesVersion(tiles), StepLonDeg: tiles[0].dlon, StepLatDeg: tiles[0].dlat}
	for _, t := range tiles {
		info.Tiles = append(info.Tiles, t.name())
	}
	sort.Strings(info.Tiles)
	return info, nil
}

// tilesVersion is the Version of a disc whose box meets tiles.
func tilesVersion(tiles []windowTile) string {
	names := make([]string, len(tiles))
	for i, t := range tiles {
		names[i] = t.name()
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// discTiles validates the disc and returns the current tiles that meet
// its box, finest first, and the box; NotFound when there are none.
func (s *Store) discTiles(ctx context.Context, lon, lat, radiusM float64) ([]windowTile, orb.Bound, error) {
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -maxWindowLatDeg || lat > maxWindowLatDeg {
		return nil, orb.Bound{}, planning.FieldError("location", "(%v, %v) is not a [lon, lat] point within ±%d° latitude", lon, lat, maxWindowLatDeg)
	}
	if !(radiusM > 0) || radiusM > MaxWindowRadiusM {
		return nil, orb.Bound{}, planning.FieldError("radius_m", "radius %v m is not in (0, %d]", radiusM, MaxWindowRadiusM)
	}
	// The box of the disc: its longitude extent is widest on the parallel
	// nearest the pole.
	_, latM := geo.MetresPerDegree(lat)
	dLat := radiusM / latM
	lonM, _ := geo.MetresPerDegree(math.Min(math.Abs(lat)+dLat, 89.9))
	dLon := radiusM / lonM
	box := orb.Bound{Min: orb.Point{lon - dLon, lat - dLat}, Max: orb.Point{lon + dLon, lat + dLat}}
	tiles, err := s.tilesInBox(ctx, box.Min[0], box.Min[1], box.Max[0], box.Max[1])
	if err != nil {
		return nil, box, err
	}
	if len(tiles) == 0 {
		return nil, box, planning.Errorf(planning.NotFound, "no DEM tile covers the box %.5f,%.5f,%.5f,%.5f; import one with btsplan import dem",
			box.Min[0], box.Min[1], box.Max[0], box.Max[1])
	}
	return tiles, box, nil
}

func (s *Store) window(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, WindowInfo, error) {
	tiles, box, err := s.discTiles(ctx, lon, lat, radiusM)
	if err != nil {
		return nil, WindowInfo{}, err
	}
	west, south, east, north := box.Min[0], box.Min[1], box.Max[0], box.Max[1]

	// The window lattice is that of the finest tile.
	ref := tiles[0]
	const eps = 1e-6 // of a cell: absorbs rounding of the box edges
	x0 := math.Floor((west-ref.west)/ref.dlon + eps)
	x1 := math.Ceil((east-ref.west)/ref.dlon - eps)
	y0 := math.Floor((ref.north-north)/ref.dlat + eps)
	y1 := math.Ceil((ref.north-south)/ref.dlat - eps)
	g, err := geo.NewGrid(int(x1-x0), int(y1-y0), ref.west+x0*ref.dlon, ref.north-y0*ref.dlat, ref.dlon, ref.dlat)
	if err != nil {
		return nil, WindowInfo{}, err
	}

	info := WindowInfo{StepLonDeg: ref.dlon, StepLatDeg: ref.dlat}
	var buf []byte
	for _, t := range tiles {
		if err := ctx.Err(); err != nil {
			return nil, WindowInfo{}, &planning.Error{Kind: planning.Unavailable, Err: err}
		}
		p := paster{g: g, t: t, buf: buf}
		n, voids, err := p.paste(filepath.Join(s.dir, filepath.FromSlash(t.path)))
		buf = p.buf
		if err != nil {
			return nil, WindowInfo{}, fmt.Errorf("tile %s (%s): %w", t.name(), t.path, err)
		}
		if n > 0 {
			info.Tiles = append(info.Tiles, t.name())
			info.Voids += voids
		}
	}
	info.Missing = geo.CountVoids(g)
	sort.Strings(info.Tiles)
	info.Version = tilesVersion(tiles)
	return g, info, nil
}

// tilesInBox returns the current tiles that meet the box, finest first.
func (s *Store) tilesInBox(ctx context.Context, west, south, east, north float64) ([]windowTile, error) {
	qctx, cancel := s.query(ctx)
	defer cancel()
	rows, err := s.pool.Query(qctx, qTilesInBox, west, south, east, north, geo.SRIDWGS84)
	if err != nil {
		return nil, translate(err)
	}
	tiles, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (windowTile, error) {
		var t windowTile
		err := r.Scan(&t.dataset, &t.tile, &t.version, &t.path, &t.w, &t.h,
			&t.west, &t.north, &t.dlon, &t.dlat, &t.voids, &t.sha256)
		return t, err
	})
	if err != nil {
		return nil, translate(err)
	}
	return tiles, nil
}

// paster copies one tile into the cells of a window that are still NaN.
type paster struct {
	g   *geo.Grid
	t   windowTile
	f   *tileFile
	buf []byte // row buffer, reused across tiles
}

// paste fills the NaN cells of p.g that the tile at path covers and returns
// how many it filled and how many of those were voids of the source.
func (p *paster) paste(path string) (n, voids int, err error) {
	f, err := openTile(path)
	if err != nil {
		return 0, 0, &planning.Error{Kind: planning.Internal, Err: err}
	}
	defer f.Close()
	p.f = f
	if f.hdr.w != int(p.t.w) || f.hdr.h != int(p.t.h) || f.hdr.dlon != p.t.dlon || f.hdr.dlat != p.t.dlat {
		return 0, 0, &planning.Error{Kind: planning.Internal, Err: fmt.Errorf("stored tile is %dx%d, index says %dx%d", f.hdr.w, f.hdr.h, p.t.w, p.t.h)}
	}
	g := p.g
	// Tile column tx lands on window column tx+offX when the lattices agree.
	fx := (p.t.west - g.West) / g.DLon
	fy := (g.North - p.t.north) / g.DLat
	const tol = 1e-6
	aligned := math.Abs(p.t.dlon-g.DLon) <= tol*g.DLon && math.Abs(p.t.dlat-g.DLat) <= tol*g.DLat &&
		math.Abs(fx-math.Round(fx)) <= 1e-4 && math.Abs(fy-math.Round(fy)) <= 1e-4
	if aligned {
		return p.pasteAligned(int(math.Round(fx)), int(math.Round(fy)))
	}
	return p.pasteResampled()
}

// pasteAligned copies the overlap row by row: one read per window row.
func (p *paster) pasteAligned(offX, offY int) (n, voids int, err error) {
	g, t := p.g, p.f.hdr
	wx0, wx1 := max(0, offX), min(g.W, offX+t.w)
	wy0, wy1 := max(0, offY), min(g.H, offY+t.h)
	if wx0 >= wx1 || wy0 >= wy1 {
		return 0, 0, nil
	}
	// Voids first: a void counts when this tile is the one that fills its
	// window cell, i.e. when the cell is still NaN.
	if t.voids > 0 {
		idx, err := p.f.readVoids()
		if err != nil {
			return 0, 0, err
		}
		for _, i := range idx {
			wx, wy := int(i)%t.w+offX, int(i)/t.w+offY
			if wx >= wx0 && wx < wx1 && wy >= wy0 && wy < wy1 {
				if v := g.Pix[wy*g.Stride+wx]; v != v {
					voids++
				}
			}
		}
	}
	cols := wx1 - wx0
	p.buf = grow(p.buf, 4*cols)
	buf := p.buf[:4*cols]
	for wy := wy0; wy < wy1; wy++ {
		if err := p.f.readRow(wy-offY, wx0-offX, buf); err != nil {
			return 0, 0, err
		}
		row := g.Pix[wy*g.Stride+wx0 : wy*g.Stride+wx1]
		for c := range row {
			if row[c] != row[c] {
				row[c] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*c:]))
				n++
			}
		}
	}
	return n, voids, nil
}

// pasteResampled reads the block of the tile under the window and fills
// each NaN cell whose centre the tile covers by bilinear interpolation
// between the four nearest tile samples (clamped at the tile's edge).
func (p *paster) pasteResampled() (n, voids int, err error) {
	g, t := p.g, p.f.hdr
	// Tile cells under the window, with a one-cell margin for the
	// interpolation.
	b := g.Bound()
	tx0 := max(0, int(math.Floor((b.Min[0]-t.west)/t.dlon))-1)
	tx1 := min(t.w, int(math.Ceil((b.Max[0]-t.west)/t.dlon))+1)
	ty0 := max(0, int(math.Floor((t.north-b.Max[1])/t.dlat))-1)
	ty1 := min(t.h, int(math.Ceil((t.north-b.Min[1])/t.dlat))+1)
	if tx0 >= tx1 || ty0 >= ty1 {
		return 0, 0, nil
	}
	bw, bh := tx1-tx0, ty1-ty0
	block := make([]float32, bw*bh)
	p.buf = grow(p.buf, 4*bw)
	buf := p.buf[:4*bw]
	for r := 0; r < bh; r++ {
		if err := p.f.readRow(ty0+r, tx0, buf); err != nil {
			return 0, 0, err
		}
		for c := 0; c < bw; c++ {
			block[r*bw+c] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*c:]))
		}
	}
	// The tile's extent, in which a window cell centre must fall.
	tWest, tNorth := t.west, t.north
	tEast, tSouth := t.west+float64(t.w)*t.dlon, t.north-float64(t.h)*t.dlat

	if t.voids > 0 {
		idx, err := p.f.readVoids()
		if err != nil {
			return 0, 0, err
		}
		for _, i := range idx {
			tx, ty := int(i)%t.w, int(i)/t.w
			if tx < tx0 || tx >= tx1 || ty < ty0 || ty >= ty1 {
				continue
			}
			// The window cell holding the void's centre.
			lon := t.west + (float64(tx)+0.5)*t.dlon
			lat := t.north - (float64(ty)+0.5)*t.dlat
			wx := int(math.Floor((lon - g.West) / g.DLon))
			wy := int(math.Floor((g.North - lat) / g.DLat))
			if wx >= 0 && wy >= 0 && wx < g.W && wy < g.H {
				if v := g.Pix[wy*g.Stride+wx]; v != v {
					voids++
				}
			}
		}
	}

	for wy := 0; wy < g.H; wy++ {
		lat := g.North - (float64(wy)+0.5)*g.DLat
		if lat > tNorth || lat < tSouth {
			continue
		}
		fy := (t.north-lat)/t.dlat - 0.5 - float64(ty0)
		ry := min(max(int(math.Floor(fy)), 0), bh-1)
		ry1 := min(ry+1, bh-1)
		dy := float32(min(max(fy-float64(ry), 0), 1))
		row := g.Pix[wy*g.Stride : wy*g.Stride+g.W]
		for wx := range row {
			if row[wx] == row[wx] {
				continue
			}
			lon := g.West + (float64(wx)+0.5)*g.DLon
			if lon < tWest || lon > tEast {
				continue
			}
			fx := (lon-t.west)/t.dlon - 0.5 - float64(tx0)
			rx := min(max(int(math.Floor(fx)), 0), bw-1)
			rx1 := min(rx+1, bw-1)
			dx := float32(min(max(fx-float64(rx), 0), 1))
			a, c := block[ry*bw+rx], block[ry*bw+rx1]
			d, e := block[ry1*bw+rx], block[ry1*bw+rx1]
			top := a + (c-a)*dx
			bot := d + (e-d)*dx
			row[wx] = top + (bot-top)*dy
			n++
		}
	}
	return n, voids, nil
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
