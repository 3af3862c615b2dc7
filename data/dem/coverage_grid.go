package dem

import (
	"context"
	"fmt"
	"io"

	"btsplan/geo"
	"btsplan/planning"
)

// maxCoverageBytes bounds the GeoTIFF of one coverage read back: a 30 km
// disc at 1" is about 1100×1100 float32 cells, 5 MB.
const maxCoverageBytes = 256 << 20

// CoverageGrids reads back the received-level rasters of stored coverages
// from their GeoTIFF files (through the coverage store), with the same
// decoder as the DEM tiles; it implements planning.CoverageGrids.
type CoverageGrids struct {
	Store planning.CoverageStore
}

var _ planning.CoverageGrids = CoverageGrids{}

// CoverageGrid returns c's level grid in dBm, NaN where the file has its
// nodata value. Errors: NotFound when the file is missing, Invalid when it
// cannot be decoded.
func (r CoverageGrids) CoverageGrid(ctx context.Context, c planning.Coverage) (*geo.Grid, error) {
	rc, err := r.Store.OpenCoverageFile(ctx, c, planning.CoverageGeoTIFF)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxCoverageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read coverage %d raster: %w", c.ID, err)
	}
	if len(b) > maxCoverageBytes {
		return nil, &planning.Error{Kind: planning.Invalid, Err: fmt.Errorf("coverage %d raster is larger than %d bytes", c.ID, maxCoverageBytes)}
	}
	g, _, err := decodeBytes(fmt.Sprintf("coverage-%d.tif", c.ID), b)
	if err != nil {
		return nil, &planning.Error{Kind: planning.Invalid, Err: fmt.Errorf("decode coverage %d raster: %w", c.ID, err)}
	}
	return g, nil
}
