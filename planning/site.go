package planning

import (
	"time"

	"github.com/paulmach/orb"
)

// Structure is a tower class of the passive-infrastructure plan.
type Structure string

// The structure classes of the provincial passive-infrastructure plans:
// A1 are structures built on existing buildings or works, A2 are
// free-standing towers on the ground.
const (
	StructureA1a Structure = "A1a" // pole or small mast on a building, not above 2.5 m... see rule data
	StructureA1b Structure = "A1b" // mast on a building above the A1a limits
	StructureA2a Structure = "A2a" // camouflaged or small free-standing pole
	StructureA2b Structure = "A2b" // free-standing tower, medium
	StructureA2c Structure = "A2c" // free-standing tower, tall or guyed
)

// Structures lists the valid structure classes in plan order.
var Structures = []Structure{StructureA1a, StructureA1b, StructureA2a, StructureA2b, StructureA2c}

// Valid reports whether s is one of the plan's classes.
func (s Structure) Valid() bool {
	for _, v := range Structures {
		if s == v {
			return true
		}
	}
	return false
}

// Antenna is one sector antenna of a site.
type Antenna struct {
	AzimuthDeg float64 // degrees clockwise from true north, [0, 360)
	TiltDeg    float64 // mechanical + electrical downtilt, degrees, positive down
	BandMHz    float64 // carrier frequency band, MHz
	EIRPdBm    float64 // effective isotropic radiated power, dBm
	Technology string  // "GSM", "UMTS", "LTE" or "NR"
}

// Site is what a carrier proposes: where, what structure, how high, and
// which antennas. Location is [lon, lat] in EPSG:4326.
type Site struct {
	Carrier   string // the carrier's code, its MNC such as "452-04"
	Code      string // the carrier's own site code
	Location  orb.Point
	Footprint orb.Polygon // the ground footprint in EPSG:4326; nil when not given
	Structure Structure
	HeightM   float64 // structure height above ground, m
	Antennas  []Antenna
}

// MaxHeightM is the greatest structure height btsplan accepts.
const MaxHeightM = 300.0

// Status is the life-cycle state of a proposal.
type Status string

// The proposal states.
const (
	StatusSubmitted Status = "submitted" // assessed, waiting for review
	StatusApproved  Status = "approved"  // the land department approved it
	StatusRejected  Status = "rejected"  // the land department rejected it
	StatusWithdrawn Status = "withdrawn" // the carrier withdrew it
)

// Proposal is a stored revision of a site proposal.
type Proposal struct {
	ID        int64
	Site      Site
	Revision  int    // 1 for the first submission of (carrier, site code)
	Status    Status // see the Status constants
	AdminUnit string // code of the smallest admin unit holding the site
	Province  string // code of the province whose rules apply
	Verdict   Verdict
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProposalFilter selects proposals for a list. Zero fields do not filter.
type ProposalFilter struct {
	Carrier   string
	Status    Status
	Verdict   Verdict
	BBox      *orb.Bound // [lon, lat] EPSG:4326
	AdminUnit string     // the code of an admin unit; proposals inside it
	Limit     int        // page size, 1..1000
	Offset    int
}
