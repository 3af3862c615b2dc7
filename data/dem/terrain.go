package dem

import (
	"context"

	"btsplan/geo"
	"btsplan/planning"
)

// Terrain adapts a Store to planning.TerrainSource: the one adapter that
// cmd, the job workers and the tests use.
type Terrain struct{ Store *Store }

var _ planning.TerrainSource = Terrain{}

// Window reads the DEM window around (lon, lat); see Store.Window.
func (t Terrain) Window(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error) {
	g, info, err := t.Store.Window(ctx, lon, lat, radiusM)
	return g, terrainInfo(info), err
}

// Info describes the window around (lon, lat) from the tile index alone;
// see Store.Info.
func (t Terrain) Info(ctx context.Context, lon, lat, radiusM float64) (planning.TerrainInfo, error) {
	info, err := t.Store.Info(ctx, lon, lat, radiusM)
	return terrainInfo(info), err
}

func terrainInfo(info WindowInfo) planning.TerrainInfo {
	return planning.TerrainInfo{Version: info.Version, Tiles: info.Tiles, Voids: info.Voids, Missing: info.Missing,
		StepLonDeg: info.StepLonDeg, StepLatDeg: info.StepLatDeg}
}
