package data

import (
	"encoding/json"
	"testing"

	"btsplan/geo/synth"
)

// BenchmarkLayerDecode reads the generator's 50,000-polygon land-use layer
// as an import does, without the database: the pre-scan, orb/geojson's
// decoding, the geometry checks and the WKB encoding. It isolates the
// decoding share of BenchmarkImportLayer50k.
func BenchmarkLayerDecode(b *testing.B) {
	d, err := synth.Generate(synth.Config{ExtraZones: 50_000})
	if err != nil {
		b.Fatal(err)
	}
	l, ok := d.Layer(synth.LayerLandUseExtra)
	if !ok {
		b.Fatalf("no layer %s", synth.LayerLandUseExtra)
	}
	body, err := json.Marshal(l.Features)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := decodeAll(body, 0); err != nil {
			b.Fatal(err)
		}
	}
}
