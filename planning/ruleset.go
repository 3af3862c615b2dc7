package planning

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Effect is what a rule does when it matches: it forbids the site, asks for
// an authority's consent, or records that the site is allowed.
type Effect string

// The effects. Prohibited makes a conflict finding, Consent a condition
// naming the authority, Allowed an info finding that changes nothing.
const (
	Prohibited Effect = "prohibited"
	Consent    Effect = "consent"
	Allowed    Effect = "allowed"
)

// Effects lists the effects in the order error messages name them.
var Effects = []Effect{Prohibited, Consent, Allowed}

// Severity returns the severity of a finding made by a rule with effect e.
func (e Effect) Severity() Severity {
	switch e {
	case Prohibited:
		return SeverityConflict
	case Consent:
		return SeverityCondition
	default:
		return SeverityInfo
	}
}

// Test is a rule's geometry test.
type Test string

// The geometry tests.
const (
	// TestInside matches a zone containing the site point (ZoneHit.DistanceM
	// is 0) or overlapping its footprint (FootprintOverlapM2 > 0).
	TestInside Test = "inside"
	// TestWithin matches a zone within Rule.DistanceM of the site point
	// (Of == OfSite) or of its footprint (Of == OfFootprint).
	TestWithin Test = "within"
	// TestFallZone matches a zone within the fall zone: a circle about the
	// site point whose radius is the structure height plus Rule.MarginM.
	TestFallZone Test = "fall_zone"
)

// Tests lists the geometry tests.
var Tests = []Test{TestInside, TestWithin, TestFallZone}

// What a TestWithin distance is measured from.
const (
	OfSite      = "site"      // the site point
	OfFootprint = "footprint" // the footprint, or the point when there is none
)

// Category is one category code of a layer kind: a land-use code of
// Circular 08/2024/TT-BTNMT for landuse layers, a class such as
// "road_national" for corridors.
type Category struct {
	Code   string
	Name   Text   // Vietnamese and English names
	Group  string // land-use group (NNP, PNN, CSD); "" for other kinds
	Legacy bool   // a code of an earlier circular still found in approved plans
}

// Rule is one zoning rule of a rule set. Rules are data: they come from the
// rule files under rules/ and the province files, never from code.
type Rule struct {
	ID         string
	Kinds      []string    // layer kinds it applies to; see LayerKinds
	Categories []string    // category codes; empty means every category of Kinds
	Structures []Structure // structure classes; empty means every class
	Effect     Effect
	Authority  string // authority code; required for Consent, optional for Prohibited
	Test       Test
	Of         string  // OfSite or OfFootprint, for TestWithin
	DistanceM  float64 // TestWithin: the distance limit, m
	MarginM    float64 // TestFallZone: added to the structure height, m
	// BeamHalfWidthDeg, when > 0, restricts a TestWithin rule to zones in
	// the main beam of an antenna: the bearing from the site to the zone is
	// within this many degrees of some antenna's azimuth.
	BeamHalfWidthDeg float64
	// MaxHeightM, when > 0, is a height limit: the rule matches only when
	// the structure is taller, and the finding reports the excess height.
	MaxHeightM float64
	LegalBasis string
	// Message is filled in for each finding; see the placeholders in
	// messagePlaceholders.
	Message Text
	// GapFill, when set, makes the rule a condition on the gap-fill
	// section of the assessment (GapFillCondition) rather than on zones:
	// it has no Kinds, Categories or Test, and applies when the gap fill
	// is known (a check with gap_fill, a proposal's re-evaluation).
	GapFill *GapFillCondition
	// Source is "file:line" of the rule's definition.
	Source string
}

// GapFillCondition is what a gap-fill rule tests. Every condition given
// must hold.
type GapFillCondition struct {
	// CoversGapVillage, when set, requires that the site newly covers a
	// gap village (true) or none (false). A village is a gap village when
	// it was trắng sóng for the site's carrier or for everyone
	// (GapFill.VillagesNewlyCovered). "None" needs every covered village's
	// status known: with GapFill.VillagesUnknown > 0 it does not hold.
	CoversGapVillage *bool
	// ShareableTowerWithinM, when > 0, requires a shareable tower (an
	// existing tower at least as tall as the site) within this distance,
	// m; the finding names the nearest.
	ShareableTowerWithinM float64
}

// RadiusM returns the greatest distance from the site at which the rule can
// match a zone for a structure heightM metres tall; 0 for TestInside.
func (r *Rule) RadiusM(heightM float64) float64 {
	switch r.Test {
	case TestWithin:
		return r.DistanceM
	case TestFallZone:
		return heightM + r.MarginM
	default:
		return 0
	}
}

// AppliesTo reports whether the rule can match a site of structure class s
// and height heightM at all, before any geometry is looked at.
func (r *Rule) AppliesTo(s Structure, heightM float64) bool {
	if len(r.Structures) > 0 && !slices.Contains(r.Structures, s) {
		return false
	}
	if r.MaxHeightM > 0 && heightM <= r.MaxHeightM {
		return false
	}
	return true
}

// RuleSet is the effective rule set of one province (the national default
// merged with the province file), or the national default itself.
type RuleSet struct {
	// Province is the code of the top-level admin unit the set belongs to;
	// "" for the national default.
	Province string
	// Version identifies the exact content of the set: a hash of its rules
	// and categories, prefixed with the province code or "national".
	Version string
	// Rules are sorted by ID.
	Rules []Rule
	// Files are the rule files merged into the set, national first.
	Files []string
	// Sources are the same files with their text, as loaded.
	Sources []RuleFile

	categories map[string]map[string]Category // kind → code → category
}

// Category returns the category code of layer kind kind.
func (rs *RuleSet) Category(kind, code string) (Category, bool) {
	c, ok := rs.categories[kind][code]
	return c, ok
}

// Rule returns the rule with id.
func (rs *RuleSet) Rule(id string) (Rule, bool) {
	i := sort.Search(len(rs.Rules), func(i int) bool { return rs.Rules[i].ID >= id })
	if i < len(rs.Rules) && rs.Rules[i].ID == id {
		return rs.Rules[i], true
	}
	return Rule{}, false
}

// RuleBook holds the national default rule set and every province's
// effective set, as loaded and validated by LoadRuleBook.
type RuleBook struct {
	national    *RuleSet
	provinces   map[string]*RuleSet
	categories  map[string]map[string]Category
	authorities []authorityUse
}

// authorityUse records where an authority code is used, so that an unknown
// code found later (the codes are data in the database) names file and line.
type authorityUse struct {
	code string
	at   RuleError
}

// RuleSet returns the effective rule set of province, or the national
// default when the province has no file.
func (b *RuleBook) RuleSet(province string) *RuleSet {
	if rs, ok := b.provinces[province]; ok {
		return rs
	}
	return b.national
}

// National returns the national default rule set.
func (b *RuleBook) National() *RuleSet { return b.national }

// Provinces returns the codes of the provinces that have a rule file, sorted.
func (b *RuleBook) Provinces() []string {
	out := make([]string, 0, len(b.provinces))
	for p := range b.provinces {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Categories returns the categories of layer kind kind, sorted by code; nil
// for an unknown kind.
func (b *RuleBook) Categories(kind string) []Category {
	m := b.categories[kind]
	if m == nil {
		return nil
	}
	out := make([]Category, 0, len(m))
	for _, c := range m {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// KnownCategory reports whether code is a category of layer kind kind.
func (b *RuleBook) KnownCategory(kind, code string) bool {
	_, ok := b.categories[kind][code]
	return ok
}

// AuthorityCodes returns every authority code the rule files use, sorted.
func (b *RuleBook) AuthorityCodes() []string {
	var out []string
	for _, u := range b.authorities {
		if !slices.Contains(out, u.code) {
			out = append(out, u.code)
		}
	}
	sort.Strings(out)
	return out
}

// CheckAuthorities calls known for every authority code the rule files use
// and returns an Invalid error listing every use (file:line: field) of a code
// that known rejects. Authority codes are data in the database, so this runs
// when the service starts (see Service.CheckRules), not at load. An error
// from known is returned wrapped, with its own kind.
func (b *RuleBook) CheckAuthorities(known func(code string) (bool, error)) error {
	ok := map[string]bool{}
	for _, code := range b.AuthorityCodes() {
		k, err := known(code)
		if err != nil {
			return fmt.Errorf("check authority %q: %w", code, err)
		}
		ok[code] = k
	}
	var errs []error
	for _, u := range b.authorities {
		if !ok[u.code] {
			e := u.at
			e.Msg = fmt.Sprintf("unknown authority code %q", u.code)
			errs = append(errs, &e)
		}
	}
	if len(errs) > 0 {
		return &Error{Op: "check rules", Kind: Invalid, Err: errors.Join(errs...)}
	}
	return nil
}

// RuleError is one mistake in a rule file: the file, the 1-based line, the
// path of the field ("rules[3].effect") and what is wrong.
type RuleError struct {
	File string
	Line int
	Path string
	Msg  string
}

func (e *RuleError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Path, e.Msg)
}

// RuleErrors returns every *RuleError in err's tree, in order.
func RuleErrors(err error) []*RuleError {
	var out []*RuleError
	walkErrors(err, func(e error) {
		if re, ok := e.(*RuleError); ok {
			out = append(out, re)
		}
	})
	return out
}

// walkErrors calls fn for err and every error it wraps, depth first,
// following both Unwrap() error and Unwrap() []error (errors.Join).
func walkErrors(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, fn)
		}
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), fn)
	}
}
