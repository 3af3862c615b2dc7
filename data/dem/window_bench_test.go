package dem_test

import (
	"context"
	"testing"
)

// BenchmarkWindow20km cuts the window of a 20 km radius, the coverage
// engine's default, from imported tiles: the real 3" SRTM tile (about
// 460×480 cells) and a synthetic 1" tile (about 1390×1440 cells, the worst
// case). The budget is 100 ms per window.
//
//	go test -run '^$' -bench Window20km -benchmem ./data/dem/
func BenchmarkWindow20km(b *testing.B) {
	cases := []struct {
		name string
		path func(b *testing.B) string
	}{
		{"srtm3-N21E105", func(b *testing.B) string { return sharedDEM(b, "N21E105.hgt") }},
		{"synthetic-1arcsec", func(b *testing.B) string {
			p, _ := writeHGT(b, b.TempDir(), "N21E105.hgt", 3601, 105, 21, [][2]int{{1800, 1800}})
			return p
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			st, _, _ := newStore(b)
			ctx := context.Background()
			if _, err := st.Import(ctx, "srtm", tc.path(b)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				g, info, err := st.Window(ctx, 105.5, 21.5, 20_000)
				if err != nil || info.Missing != 0 || g.W == 0 {
					b.Fatalf("Window = %v, %+v", err, info)
				}
			}
		})
	}
}
