package synth

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Defaults and limits of Config.
const (
	// DefaultCentreLon and DefaultCentreLat place the district in the
	// mountains of northern Vietnam (the Văn Chấn area of the old Yên Bái
	// province), far from the real Tam Đảo data in tile N21E105, so that
	// the DEM with its margin fits in the single SRTM tile N21E104.
	DefaultCentreLon = 104.55
	DefaultCentreLat = 21.60
	// DefaultSizeKM is the side of the square district in km.
	DefaultSizeKM = 20.0
	// MinSizeKM and MaxSizeKM bound Config.SizeKM: the layout of ridge,
	// valleys and villages needs 20 km, and 40 km plus the margins still
	// fits in one SRTM tile at the default centre.
	MinSizeKM = 20.0
	MaxSizeKM = 40.0
	// MarginKM is how far the DEM reaches beyond the district on every
	// side, so that a 15 km coverage radius around any site fits.
	MarginKM = 20.0
	// MaxExtraZones bounds Config.ExtraZones.
	MaxExtraZones = 1_000_000
)

// Config chooses the district to generate. The zero Config is the demo
// district: seed 0 at the default centre, 20 km across, no extra zones.
type Config struct {
	// Seed picks the terrain detail, the meanders of ridge, valleys and
	// roads, the small jitter of villages and towers and the extra zones.
	// Every seed gives the same layout and the same intended verdicts.
	Seed int64
	// Centre is the district centre [lon, lat], EPSG:4326; the zero point
	// means DefaultCentreLon, DefaultCentreLat.
	Centre orb.Point
	// SizeKM is the side of the square district in km; 0 means
	// DefaultSizeKM. It must lie in [MinSizeKM, MaxSizeKM].
	SizeKM float64
	// ExtraZones adds this many small land-use polygons, in a layer of
	// their own, for benchmarks (for example 50000); 0 adds none.
	ExtraZones int
}

// withDefaults returns c with its zero fields replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.Centre == (orb.Point{}) {
		c.Centre = orb.Point{DefaultCentreLon, DefaultCentreLat}
	}
	if c.SizeKM == 0 {
		c.SizeKM = DefaultSizeKM
	}
	return c
}

// validate checks a Config that has its defaults applied. Errors are
// *ConfigError values naming the field.
func (c Config) validate() error {
	bad := func(field, format string, args ...any) error {
		return &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	lon, lat := c.Centre[0], c.Centre[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -179 || lon > 179 || lat < -59 || lat > 59 {
		return bad("Centre", "centre %v is outside the SRTM coverage (|lat| < 59, |lon| < 179)", c.Centre)
	}
	if !(c.SizeKM >= MinSizeKM && c.SizeKM <= MaxSizeKM) {
		return bad("SizeKM", "size %g km is outside [%g, %g] km", c.SizeKM, MinSizeKM, MaxSizeKM)
	}
	if c.ExtraZones < 0 || c.ExtraZones > MaxExtraZones {
		return bad("ExtraZones", "%d extra zones is outside [0, %d]", c.ExtraZones, MaxExtraZones)
	}
	return nil
}
