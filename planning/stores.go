package planning

import (
	"context"
	"io"
	"time"

	"github.com/paulmach/orb"
)

// ZoneStore reads the zones of the current layer versions.
type ZoneStore interface {
	// ZonesNear returns every zone of a current layer whose geometry lies
	// within q.RadiusM of the site point or footprint.
	ZonesNear(ctx context.Context, q ZoneQuery) ([]ZoneHit, error)
	// CurrentLayerVersions returns layer name → current version.
	CurrentLayerVersions(ctx context.Context) (map[string]int, error)
	// ConflictGeometry returns the part of zone zoneID within radiusM of
	// the site (its footprint if given, else its point), EPSG:4326.
	ConflictGeometry(ctx context.Context, zoneID int64, loc orb.Point, footprint orb.Polygon, radiusM float64) (orb.Geometry, error)
}

// Surveyor is a ZoneStore that reads, in one round trip and from one
// snapshot, everything an assessment reads: the carrier, the admin units
// at the site, the current layer versions and the zones near the site. A
// Service whose ZoneStore is a Surveyor (data.ZoneStore is) asks it once
// per assessment; otherwise it asks OrgStore.Organization,
// AdminStore.UnitsAt, CurrentLayerVersions and ZonesNear in turn, which
// costs four round trips and a second look when a layer is re-imported in
// between.
type Surveyor interface {
	// Survey returns the organization that q.Carrier names, the admin
	// units in force at q.At that contain
	// q.Location (smallest area first; none outside every loaded unit),
	// the current version of every layer, and the zones of current layers
	// of each kind in q.KindRadiiM within that kind's radius of the site
	// point or footprint, nearest first. Errors: Invalid for a bad
	// location or radius, Unavailable.
	Survey(ctx context.Context, q SurveyQuery) (Survey, error)
}

// SurveyQuery asks a Surveyor about one site.
type SurveyQuery struct {
	Carrier   string      // the site's carrier, an organization code
	Location  orb.Point   // [lon, lat]
	Footprint orb.Polygon // nil when the site has none
	At        time.Time   // the admin units in force at this time
	// KindRadiiM lists the layer kinds to search, each within its own
	// radius (m). No kinds, no zones.
	KindRadiiM map[string]float64
}

// Survey is what a Surveyor read for one site.
type Survey struct {
	Carrier       *Organization  // the organization q.Carrier names; nil when none does
	Units         []AdminUnit    // smallest area first
	LayerVersions map[string]int // layer name → current version
	Hits          []ZoneHit      // nearest first, then by zone id
}

// AdminUnit is an administrative unit valid over a period. Levels are data
// ("province", "district", "commune", ...), never fixed in code.
type AdminUnit struct {
	Code      string
	Name      string
	Level     string
	Parent    string // code of the parent unit; "" for a top-level unit
	ValidFrom time.Time
	ValidTo   *time.Time // nil while in force
}

// AdminStore finds admin units.
type AdminStore interface {
	// UnitsAt returns the units in force at time at that contain p,
	// smallest area first. Empty when p is outside every loaded unit.
	UnitsAt(ctx context.Context, p orb.Point, at time.Time) ([]AdminUnit, error)
}

// Organization is a carrier or an authority. Both are data: agencies were
// renamed and merged in 2025.
type Organization struct {
	Code string // MNC such as "452-04" for carriers; a short code for authorities
	Name string
	Kind string // "carrier" or "authority"
}

// OrgStore reads organizations.
type OrgStore interface {
	// Organization returns the organization with code, or a NotFound error.
	Organization(ctx context.Context, code string) (Organization, error)
}

// ProposalStore stores proposals and their assessments.
type ProposalStore interface {
	// CreateProposal stores a new revision of (carrier, site code) with its
	// assessment in one transaction, filling in the IDs, the revision and
	// the timestamps. contentHash identifies the submitted content: a
	// second submission with the same hash for the same carrier and site
	// code is an Exists error wrapping a *DuplicateError that names the
	// existing proposal. When QueuesCoverage(p.Site), the job of the
	// proposal's coverage is queued in the same transaction.
	CreateProposal(ctx context.Context, p *Proposal, a *Assessment, contentHash string) error
	// Proposal returns one proposal or a NotFound error.
	Proposal(ctx context.Context, id int64) (Proposal, error)
	// Proposals returns one page of proposals matching f and the total count.
	Proposals(ctx context.Context, f ProposalFilter) ([]Proposal, int, error)
	// Assessment returns the latest assessment of a proposal or NotFound.
	Assessment(ctx context.Context, proposalID int64) (Assessment, error)
	// AddAssessment stores a further assessment of revision a.Revision of
	// proposal a.ProposalID (a re-evaluation, Basis BasisGapFill), with
	// its findings, layer versions, rule set text and the signatures its
	// conditions require (RequiredAuthorities), and makes its verdict the
	// proposal's, in one transaction with the audit rows given; it fills
	// ID and CreatedAt. The earlier assessments are kept.
	AddAssessment(ctx context.Context, a *Assessment, audit ...AuditEntry) error
	// Assessments returns every assessment of a proposal, newest first,
	// without findings or layer versions.
	Assessments(ctx context.Context, proposalID int64) ([]Assessment, error)
}

// LayerSpec describes one layer import.
type LayerSpec struct {
	Kind string // one of LayerKinds
	Name string // the layer's name; re-importing a name makes a new version
	// Category gives every feature the same category code, or
	// CategoryField names the feature property holding the source value,
	// mapped through CategoryMap (source value → category code; a value
	// missing from a non-empty map is an error naming the feature).
	Category      string
	CategoryField string
	CategoryMap   map[string]string
	NameField     string // feature property holding the feature name; default "name"
	// PopulationField names the feature property holding a settlement's
	// population (a whole number ≥ 0, or missing); "" reads "population"
	// where it is a number. The value stays with the other source
	// properties; the layer remembers the field for the gap analysis.
	PopulationField string
	SRID            int    // the source CRS; 0 means EPSG:4326 or the file's own "crs"
	Source          string // where the data came from
	Licence         string
	MaxBytes        int64 // the largest body accepted; 0 means no limit
	// AllowOutside accepts features outside the source CRS's area of use,
	// outside Vietnam and outside every admin unit loaded, which are
	// otherwise refused as a sign of the wrong CRS.
	AllowOutside bool
}

// Repair records one invalid geometry that the import repaired with
// ST_MakeValid.
type Repair struct {
	Index  int    // 0-based index of the feature in the file
	Reason string // ST_IsValidReason of the original geometry
}

// ImportReport says what one layer import did.
type ImportReport struct {
	Layer    Layer
	Features int
	Repairs  []Repair
}

// LayerStore imports and reads layers.
type LayerStore interface {
	// ImportLayer reads a GeoJSON FeatureCollection from r and stores it as
	// a new version of spec.Name in one transaction: a bad file leaves
	// nothing behind. Errors are Invalid and name the feature index.
	// progress, when not nil, is called now and then with the features
	// and bytes read so far.
	ImportLayer(ctx context.Context, spec LayerSpec, r io.Reader, progress func(features int, bytes int64)) (ImportReport, error)
	// Layers returns every layer version, newest first within a name.
	Layers(ctx context.Context) ([]Layer, error)
	// Layer returns one version of a layer by name; version 0 is the current one.
	Layer(ctx context.Context, name string, version int) (Layer, error)
	// EachZone calls fn for every zone of layer version layerID that
	// intersects bbox (all when nil), in id order, streaming from the database.
	EachZone(ctx context.Context, layerID int64, bbox *orb.Bound, fn func(Zone) error) error
}
