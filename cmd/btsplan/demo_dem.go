package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"btsplan/geo/synth"
	"btsplan/planning"
)

// demoDEMDataset is the DEM dataset name of the synthetic terrain, kept
// apart from real SRTM tiles a user imports.
const demoDEMDataset = "synthetic-demo"

// loadDemoDEM stores the demo terrain, an SRTM-3 style tile, in the DEM
// store unless the district centre is already covered by it.
func loadDemoDEM(ctx context.Context, a *app, d *synth.District, env *environment) error {
	store := a.dems
	c := d.Bound.Center()
	if _, info, err := store.Window(ctx, c[0], c[1], 1000); err == nil && strings.Contains(info.Version, demoDEMDataset+"@") {
		fmt.Fprintf(env.stdout, "demo: terrain already loaded (%s)\n", info.Version)
		return nil
	} else if err != nil && planning.KindOf(err) != planning.NotFound {
		return fmt.Errorf("demo: terrain: %w", err)
	}
	name, b := d.HGT()
	dir, err := os.MkdirTemp("", "btsplan-demo-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	rep, err := store.Import(ctx, demoDEMDataset, path)
	if err != nil {
		return fmt.Errorf("demo: terrain: %w", err)
	}
	fmt.Fprintf(env.stdout, "demo: terrain %s v%d: %d×%d cells of 3\", %d voids (synthetic)\n", rep.Tile, rep.Version, rep.Width, rep.Height, rep.Voids)
	return nil
}
