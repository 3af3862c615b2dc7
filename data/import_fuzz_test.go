package data_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"btsplan/data"
	"btsplan/planning"
)

// FuzzLayerImport imports arbitrary bytes as a layer into PostGIS: either
// a clean Invalid error, in plain words, with no layer or zone stored, or a
// committed layer whose zones are as many as its features. Like every data
// test it needs TEST_DATABASE_URL (it skips without it unless CI is set).
func FuzzLayerImport(f *testing.F) {
	for _, s := range data.LayerSeeds {
		f.Add([]byte(s))
	}
	s := newStores(f)
	ctx := context.Background()
	n := 0
	f.Fuzz(func(t *testing.T, b []byte) {
		n++
		layersBefore := count(t, s.pool, "SELECT count(*) FROM layer")
		zonesBefore := count(t, s.pool, "SELECT count(*) FROM zone")
		rep, err := s.layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindLandUse, Name: fmt.Sprint("fuzz-", n),
			Category: "RDD", MaxBytes: 1 << 20}, bytes.NewReader(b), nil)
		if err != nil {
			if k := planning.KindOf(err); k != planning.Invalid {
				t.Fatalf("ImportLayer error %v is %v, want Invalid", err, k)
			}
			for _, bad := range internalText {
				if strings.Contains(err.Error(), bad) {
					t.Errorf("ImportLayer error %q holds internal text %q", err, bad)
				}
			}
			if l, z := count(t, s.pool, "SELECT count(*) FROM layer"), count(t, s.pool, "SELECT count(*) FROM zone"); l != layersBefore || z != zonesBefore {
				t.Errorf("after a refused import: layers %d → %d, zones %d → %d; want unchanged", layersBefore, l, zonesBefore, z)
			}
			return
		}
		zones := count(t, s.pool, "SELECT count(*) FROM zone WHERE layer_id = $1", rep.Layer.ID)
		if zones != rep.Features || rep.Layer.FeatureCount != rep.Features || rep.Features == 0 {
			t.Errorf("imported layer %d: %d zones, report %d features, layer row %d; want all equal and > 0",
				rep.Layer.ID, zones, rep.Features, rep.Layer.FeatureCount)
		}
	})
}
