package synth

import (
	"time"

	"github.com/paulmach/orb"
)

// The district's records are plain structs and strings: synth knows no
// domain package. planning/demo turns them into planning's types field by
// field; the values here (kinds, structures, verdicts, categories) are
// those planning reads, which planning/demo's tests check.

// LayerSpec is how a layer is imported: its kind (one of the Kind
// constants), name, categories, source and licence
// (planning/demo.LayerSpec makes it a planning.LayerSpec).
type LayerSpec struct {
	Kind            string
	Name            string
	Category        string // every feature's category, or ""
	CategoryField   string // the feature property holding the category, or ""
	NameField       string
	PopulationField string
	SRID            int
	Source          string
	Licence         string
}

// AdminUnit is an admin unit (planning/demo.AdminUnit makes it a
// planning.AdminUnit).
type AdminUnit struct {
	Code      string
	Name      string
	Level     string // "province", "district" or "commune"
	Parent    string // the parent unit's code; "" for the province
	ValidFrom time.Time
	ValidTo   *time.Time // nil while in force
}

// Organization is a carrier: its MNC, name and kind ("carrier").
type Organization struct {
	Code string
	Name string
	Kind string
}

// Antenna is one antenna of a proposal.
type Antenna struct {
	AzimuthDeg float64
	TiltDeg    float64
	BandMHz    float64
	EIRPdBm    float64
	Technology string
}

// Site is a proposed site; planning/demo.Site makes it a planning.Site.
type Site struct {
	Carrier   string // MNC
	Code      string
	Location  orb.Point
	Footprint orb.Polygon // nil for masts on buildings (A1)
	Structure Structure
	HeightM   float64
	Antennas  []Antenna
}

// Structure is a structure class of the national rules.
type Structure string

// The structure classes the proposals use.
const (
	StructureA1a Structure = "A1a"
	StructureA1b Structure = "A1b"
	StructureA2a Structure = "A2a"
	StructureA2b Structure = "A2b"
	StructureA2c Structure = "A2c"
)

// Verdict is the verdict a proposal is placed to get.
type Verdict string

// The verdicts.
const (
	Approve     Verdict = "APPROVE"
	Conditional Verdict = "CONDITIONAL"
	Conflict    Verdict = "CONFLICT"
)

// The layer kinds of the district's layers.
const (
	KindLandUse       = "landuse"
	KindProtectedArea = "protected_area"
	KindHeritage      = "heritage"
	KindDefence       = "defence"
	KindCorridor      = "corridor"
	KindSettlement    = "settlement"
	KindTower         = "tower"
)

// CategoryHomeCluster is the settlement category of an outlying cluster of
// homes.
const CategoryHomeCluster = "home_cluster"

// ConfigError is a Config that Generate refuses; Field names the Config
// field ("Centre", "SizeKM", "ExtraZones").
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return "synth generate: " + e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }
