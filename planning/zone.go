package planning

import (
	"time"

	"github.com/paulmach/orb"
)

// LayerKind names what a layer holds. Kinds are data, but these are the
// ones the default rule set knows.
const (
	KindLandUse       = "landuse"        // land-use plan zones, category = land-use code
	KindProtectedArea = "protected_area" // national parks, nature reserves
	KindHeritage      = "heritage"       // ranked relics and heritage zones
	KindDefence       = "defence"        // defence and security areas
	KindCorridor      = "corridor"       // roads, power lines, railways
	KindSettlement    = "settlement"     // villages and towns, as points or areas
	KindAirport       = "airport"        // aerodromes and their obstacle surfaces
	KindTower         = "tower"          // existing towers (passive infrastructure)
)

// LayerKinds lists the layer kinds btsplan knows.
var LayerKinds = []string{KindLandUse, KindProtectedArea, KindHeritage, KindDefence, KindCorridor, KindSettlement, KindAirport, KindTower}

// Layer is one imported version of a thematic layer.
type Layer struct {
	ID           int64
	Kind         string
	Name         string
	Version      int // 1 for the first import of Name, then +1 each re-import
	Source       string
	Licence      string
	SourceSRID   int
	ImportedAt   time.Time
	FeatureCount int
	Current      bool // the newest version of Name
}

// Zone is one feature of a layer version.
type Zone struct {
	ID         int64
	LayerID    int64
	Category   string
	Name       string
	Attributes map[string]any
	Geometry   orb.Geometry // EPSG:4326
}

// ZoneQuery asks for the current zones near a site.
type ZoneQuery struct {
	Location  orb.Point   // [lon, lat]
	Footprint orb.Polygon // nil when the site has none
	RadiusM   float64     // the greatest distance any rule tests, m
	Kinds     []string    // only these layer kinds; empty means all
	// KindRadiiM narrows the search per layer kind: a kind listed here is
	// searched only this far (m, at most RadiusM), so that land-use zones,
	// which the rules test only for "inside", are not measured out to the
	// radius of an airport or corridor rule. Kinds not listed use RadiusM.
	KindRadiiM map[string]float64
}

// ZoneHit is a zone near a site with the measures the rules need, all
// computed by PostGIS on geography (metres, square metres).
type ZoneHit struct {
	ZoneID       int64
	LayerName    string
	LayerKind    string
	LayerVersion int
	Category     string
	Name         string
	// DistanceM is from the site point to the zone, 0 when inside.
	DistanceM float64
	// FootprintDistanceM is from the footprint to the zone, 0 when they
	// touch; it equals DistanceM when the site has no footprint.
	FootprintDistanceM float64
	// FootprintOverlapM2 is the area of the footprint inside the zone.
	FootprintOverlapM2 float64
	// NearestPoint is the point of the zone nearest the site point
	// ([lon, lat], ST_ClosestPoint), used to tell whether the zone lies in
	// an antenna's beam. The zero point means unknown; rules that need a
	// bearing then assume the zone is in the beam.
	NearestPoint orb.Point
}
