package planning

import (
	"time"

	"github.com/paulmach/orb"
)

// Verdict is the outcome of an assessment.
type Verdict string

// The verdicts, from best to worst.
const (
	Approve     Verdict = "APPROVE"
	Conditional Verdict = "CONDITIONAL"
	Conflict    Verdict = "CONFLICT"
)

// Severity is how much one finding weighs in the verdict.
type Severity string

// The severities: a conflict blocks the site, a condition needs an
// authority's consent, info is evidence that changes nothing.
const (
	SeverityConflict  Severity = "conflict"
	SeverityCondition Severity = "condition"
	SeverityInfo      Severity = "info"
)

// Text is a message in Vietnamese and English.
type Text struct {
	VI string
	EN string
}

// Finding is one piece of evidence: a rule that matched one feature.
type Finding struct {
	RuleID       string
	Severity     Severity
	Layer        string // layer name
	LayerKind    string
	LayerVersion int
	FeatureID    int64
	FeatureName  string
	Category     string
	DistanceM    float64 // from the tested geometry to the feature, 0 when inside
	OverlapM2    float64 // area of the footprint (or fall zone) inside the feature, m²
	LimitM       float64 // the rule's distance or height limit that was broken, m; 0 if none
	ExcessM      float64 // by how many metres the limit is broken; 0 if none
	Authority    string  // code of the authority that must consent or that forbids
	LegalBasis   string
	Message      Text
	// Geometry is the conflicting part of the feature (the feature clipped
	// to the tested zone around the site), EPSG:4326; nil in dry runs.
	Geometry orb.Geometry
}

// Assessment is the result of checking one proposal revision. A conflict is
// a result, not an error.
type Assessment struct {
	ID             int64
	ProposalID     int64 // 0 in a dry run
	Revision       int
	Verdict        Verdict
	Findings       []Finding
	RuleSetVersion string // identifies the exact rule set used
	// RuleSetFiles are the text of the rule files merged into that set,
	// national first, so that the assessment can be re-run exactly; the
	// store keeps them once per version. Nil when read back.
	RuleSetFiles  []RuleFile
	LayerVersions map[string]int // layer name → version used
	Province      string
	AdminUnit     string
	CreatedAt     time.Time
	// Basis is what the assessment weighed: BasisZoning, or BasisGapFill
	// for a re-evaluation with the proposal's gap fill ("" reads as
	// zoning).
	Basis string
}
