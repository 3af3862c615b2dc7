package main

import (
	"context"
	"fmt"

	"btsplan/geo/synth"
)

// loadDemoDEM stores the demo terrain; wired once data/dem lands.
func loadDemoDEM(ctx context.Context, a *app, d *synth.District, env *environment) error {
	name, b := d.HGT()
	fmt.Fprintf(env.stdout, "demo: terrain %s (%d bytes) not stored yet: the DEM store is pending\n", name, len(b))
	return nil
}
