package planning

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// The network formats an import reads.
const (
	FormatOpenCelliD = "opencellid" // OpenCelliD's cell CSV
	FormatGeoJSON    = "geojson"    // a FeatureCollection of sites shaped like proposals
)

// NetworkFormats lists the formats ImportNetwork reads.
var NetworkFormats = []string{FormatOpenCelliD, FormatGeoJSON}

// DefaultGroupDistanceM is how close OpenCelliD cells of one carrier must
// be to count as one site when the import does not say.
const DefaultGroupDistanceM = 30.0

// The names of the values an existing site or cell may take from the radio
// defaults; Assumed lists them. They are the member names of the wire form
// and of the defaults file.
const (
	ParamHeightM       = "height_m"
	ParamBandMHz       = "band_mhz"
	ParamAzimuthDeg    = "azimuth_deg"
	ParamTiltDeg       = "tilt_deg"
	ParamEIRPdBm       = "eirp_dbm"
	ParamGainDBi       = "gain_dbi"
	ParamHBeamwidthDeg = "h_beamwidth_deg"
	ParamVBeamwidthDeg = "v_beamwidth_deg"
	ParamOmni          = "omni"
)

// Network is one imported version of an existing network: the sites of
// one or more carriers, as OpenCelliD or a carrier's file gave them.
type Network struct {
	ID       int64
	Name     string
	Version  int  // 1 for the first import of Name, then +1 each re-import
	Current  bool // the newest version of Name
	Format   string
	Source   string
	Licence  string
	Province string // whose radio defaults filled the assumed values; "" national
	// DefaultsVersion is RadioDefaults.Version of those defaults.
	DefaultsVersion string
	// GroupDistanceM is the OpenCelliD grouping distance, m; 0 for GeoJSON.
	GroupDistanceM float64
	ImportedAt     time.Time
	SiteCount      int
	CellCount      int
	Skipped        []SkippedRow
}

// SkippedRow is a source row an import left out on purpose, with why.
type SkippedRow struct {
	Line   int // 1-based line of the CSV
	Reason string
}

// Cell is one antenna (sector or omni) of an existing site. Assumed names
// the values taken from the radio defaults (Param* names).
type Cell struct {
	Technology    string  // GSM, UMTS, LTE or NR
	BandMHz       float64 // MHz
	AzimuthDeg    float64 // degrees clockwise from true north, [0, 360); 0 when Omni
	TiltDeg       float64 // total downtilt, degrees, positive down
	EIRPdBm       float64 // over the whole carrier, at boresight, dBm
	GainDBi       float64
	HBeamwidthDeg float64 // 360 when Omni
	VBeamwidthDeg float64
	Omni          bool // radiates equally at every azimuth
	Assumed       []string
	// Properties are the source's own members (the OpenCelliD row, or the
	// antenna object's other members), kept whole through every output.
	Properties map[string]any
}

// ExistingSite is a mast of a carrier that exists already. Location is
// [lon, lat] in EPSG:4326.
type ExistingSite struct {
	ID        int64
	NetworkID int64
	Carrier   string // MNC code such as "452-04"
	Code      string // the carrier's site code, or one made from its cells
	Location  orb.Point
	HeightM   float64 // antenna height above ground, m
	Assumed   []string
	// Properties are the source's own members, kept whole.
	Properties map[string]any
	Cells      []Cell
}

// NetworkSpec describes one network import.
type NetworkSpec struct {
	Name    string // the network's name; re-importing a name makes a new version
	Format  string // one of NetworkFormats
	Source  string
	Licence string
	// Province chooses the radio defaults of the assumed values; "" is the
	// national defaults.
	Province string
	// GroupDistanceM groups OpenCelliD cells of one carrier into a site;
	// 0 means DefaultGroupDistanceM.
	GroupDistanceM float64
	// AllowOutsideDEM imports sites that no loaded DEM tile covers; by
	// default such a site rejects the import.
	AllowOutsideDEM bool
}

// SiteInput is one site read from a file, before it is checked and
// stored: the site and where each part came from, so that an error can
// name the line or the feature.
type SiteInput struct {
	Site ExistingSite
	// Ref names the site in the file: "line 7" (the first cell's line) or
	// "/features/3".
	Ref string
	// CellRefs names each cell in the file, as Ref does.
	CellRefs []string
}

// NetworkReport says what one network import did.
type NetworkReport struct {
	Network    Network
	Sites      int
	Cells      int
	Skipped    []SkippedRow
	OutsideDEM []string // refs of the sites no DEM tile covers (AllowOutsideDEM)
	// AssumedValues counts, per Param* name, the values taken from the
	// radio defaults.
	AssumedValues map[string]int
}

// SiteFilter selects existing sites. Zero fields do not filter.
type SiteFilter struct {
	Network string     // a network name; "" is every current network
	Version int        // a version of Network; 0 is the current one
	Carrier string     // MNC code
	BBox    *orb.Bound // [lon, lat] EPSG:4326
	Limit   int        // at most this many sites; 0 means no limit
}

// NetworkStore stores and reads existing networks.
type NetworkStore interface {
	// SaveNetwork stores n and its sites as the next version of n.Name, in
	// one transaction, filling in n's ID, Version, ImportedAt and counts.
	// Errors: Invalid (an unknown carrier), Unavailable.
	SaveNetwork(ctx context.Context, n *Network, sites []ExistingSite) error
	// Networks returns every network version, newest first within a name.
	Networks(ctx context.Context) ([]Network, error)
	// Sites returns the sites (with their cells) of f, in network and
	// ordinal order.
	Sites(ctx context.Context, f SiteFilter) ([]ExistingSite, error)
	// OutsideDEM returns the indexes in pts of the points that no current
	// DEM tile covers, and whether any DEM tile is loaded at all.
	OutsideDEM(ctx context.Context, pts []orb.Point) (outside []int, anyDEM bool, err error)
}
