package planning

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// searchPlan is what one assessment asks the ZoneStore for: the rules that
// can apply to the site, the greatest distance any of them tests and the
// layer kinds they read.
type searchPlan struct {
	rules   []*Rule
	radiusM float64
	// kindRadiiM is the greatest distance any applicable rule tests, per
	// layer kind: each kind is searched only as far as its own rules look.
	kindRadiiM map[string]float64
}

func planSearch(rs *RuleSet, s Site) searchPlan {
	p := searchPlan{kindRadiiM: map[string]float64{}}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if r.GapFill != nil || !r.AppliesTo(s.Structure, s.HeightM) {
			continue // gap-fill rules read no zones: GapFillFindings applies them
		}
		p.rules = append(p.rules, r)
		rm := r.RadiusM(s.HeightM)
		p.radiusM = math.Max(p.radiusM, rm)
		for _, k := range r.Kinds {
			p.kindRadiiM[k] = math.Max(p.kindRadiiM[k], rm)
		}
	}
	return p
}

// keep returns the hits that this plan's own search finds among the hits
// of a search at least as wide for every kind: those of its kinds within
// the kind's radius of the point or the footprint, the test the store
// applies (ZoneStore.ZonesNear), in the same order. Each rule tests its own
// distance, so the extra hits would find nothing; dropping them keeps the
// rules' input exactly what the province's own search returns.
func (p searchPlan) keep(hits []ZoneHit) []ZoneHit {
	var out []ZoneHit
	for _, h := range hits {
		if r, ok := p.kindRadiiM[h.LayerKind]; ok && min(h.DistanceM, h.FootprintDistanceM) <= r {
			out = append(out, h)
		}
	}
	return out
}

// kinds returns the layer kinds to search, sorted.
func (p searchPlan) kinds() []string {
	return slices.Sorted(maps.Keys(p.kindRadiiM))
}

// match is one finding with the radius its rule tested, which Submit needs
// to clip the conflicting geometry.
type match struct {
	Finding
	testRadiusM float64
	zoneID      int64
}

// evaluate applies every rule to every hit, in Go, and returns the findings
// sorted by severity, distance, rule id and feature id.
func evaluate(rs *RuleSet, rules []*Rule, s Site, hits []ZoneHit) []match {
	var out []match
	for _, h := range hits {
		for _, r := range rules {
			if m, ok := applyRule(rs, r, s, h); ok {
				out = append(out, m)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return findingLess(&out[i].Finding, &out[j].Finding) })
	return out
}

var severityRank = map[Severity]int{SeverityConflict: 0, SeverityCondition: 1, SeverityInfo: 2}

func findingLess(a, b *Finding) bool {
	if ra, rb := severityRank[a.Severity], severityRank[b.Severity]; ra != rb {
		return ra < rb
	}
	if a.DistanceM != b.DistanceM {
		return a.DistanceM < b.DistanceM
	}
	if a.RuleID != b.RuleID {
		return a.RuleID < b.RuleID
	}
	return a.FeatureID < b.FeatureID
}

// verdictOf composes the verdict: any conflict makes CONFLICT, else any
// condition makes CONDITIONAL, else APPROVE.
func verdictOf(fs []Finding) Verdict {
	v := Approve
	for _, f := range fs {
		switch f.Severity {
		case SeverityConflict:
			return Conflict
		case SeverityCondition:
			v = Conditional
		}
	}
	return v
}

func applyRule(rs *RuleSet, r *Rule, s Site, h ZoneHit) (match, bool) {
	if !slices.Contains(r.Kinds, h.LayerKind) {
		return match{}, false
	}
	if len(r.Categories) > 0 && !slices.Contains(r.Categories, h.Category) {
		return match{}, false
	}
	if !r.AppliesTo(s.Structure, s.HeightM) {
		return match{}, false
	}
	var distM, radiusM float64
	switch r.Test {
	case TestInside:
		if !(h.DistanceM <= 0 || h.FootprintOverlapM2 > 0) {
			return match{}, false
		}
	case TestWithin:
		distM = h.DistanceM
		if r.Of == OfFootprint {
			distM = h.FootprintDistanceM
		}
		radiusM = r.DistanceM
		if distM > radiusM {
			return match{}, false
		}
		if r.BeamHalfWidthDeg > 0 && !inBeam(s, h, r.BeamHalfWidthDeg) {
			return match{}, false
		}
	case TestFallZone:
		distM = h.DistanceM
		radiusM = s.HeightM + r.MarginM
		if distM > radiusM {
			return match{}, false
		}
	default:
		return match{}, false
	}
	f := Finding{
		RuleID:       r.ID,
		Severity:     r.Effect.Severity(),
		Layer:        h.LayerName,
		LayerKind:    h.LayerKind,
		LayerVersion: h.LayerVersion,
		FeatureID:    h.ZoneID,
		FeatureName:  h.Name,
		Category:     h.Category,
		DistanceM:    math.Max(0, distM),
		OverlapM2:    h.FootprintOverlapM2,
		Authority:    r.Authority,
		LegalBasis:   r.LegalBasis,
	}
	switch {
	case r.MaxHeightM > 0:
		f.LimitM = r.MaxHeightM
		f.ExcessM = s.HeightM - r.MaxHeightM
	case r.Test != TestInside:
		// "By how many metres": how far inside the tested distance it is.
		f.LimitM = radiusM
		f.ExcessM = radiusM - f.DistanceM
	}
	cat, _ := rs.Category(h.LayerKind, h.Category)
	f.Message = Text{
		VI: fillMessage(r.Message.VI, "vi", messageValues{Finding: f}, cat, radiusM, s.HeightM),
		EN: fillMessage(r.Message.EN, "en", messageValues{Finding: f}, cat, radiusM, s.HeightM),
	}
	return match{Finding: f, testRadiusM: radiusM, zoneID: h.ZoneID}, true
}

// inBeam reports whether the zone lies in the main beam of some antenna.
// A zone containing the site is in every beam. When the store did not give
// the zone's nearest point the answer is yes: a consent rule that cannot be
// ruled out is kept, and the official sees the evidence.
func inBeam(s Site, h ZoneHit, halfWidthDeg float64) bool {
	if len(s.Antennas) == 0 {
		return false
	}
	if h.DistanceM <= 0 || h.NearestPoint == (orb.Point{}) {
		return true
	}
	brg := geo.BearingDeg(s.Location, h.NearestPoint)
	for _, a := range s.Antennas {
		diff := math.Abs(math.Mod(brg-a.AzimuthDeg+540, 360) - 180)
		if diff <= halfWidthDeg {
			return true
		}
	}
	return false
}

// fillMessage replaces the placeholders of a rule message. Vietnamese
// numbers use a decimal comma.
func fillMessage(tmpl, lang string, f messageValues, cat Category, radiusM, heightM float64) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	catName := cat.Name.EN
	if lang == "vi" {
		catName = cat.Name.VI
	}
	if catName == "" {
		catName = f.Category
	}
	feature := f.FeatureName
	if feature == "" {
		feature = catName + " #" + strconv.FormatInt(f.FeatureID, 10)
	}
	num := func(v float64) string { return formatNumber(v, lang) }
	return strings.NewReplacer(
		"{feature}", feature,
		"{layer}", f.Layer,
		"{category}", f.Category,
		"{category_name}", catName,
		"{distance_m}", num(f.DistanceM),
		"{radius_m}", num(radiusM),
		"{limit_m}", num(f.LimitM),
		"{excess_m}", num(f.ExcessM),
		"{overlap_m2}", num(f.OverlapM2),
		"{height_m}", num(heightM),
		"{authority}", f.Authority,
		"{tower_height_m}", num(f.towerHeightM),
		"{villages_newly_covered}", strconv.Itoa(f.villagesNewlyCovered),
	).Replace(tmpl)
}

// messageValues are what a message quotes: the finding, and for a
// gap-fill rule the tower's height and the gap villages covered.
type messageValues struct {
	Finding
	towerHeightM         float64
	villagesNewlyCovered int
}

// formatNumber writes v with at most one decimal, dropping ".0": 12, 12.5
// in English, 12,5 in Vietnamese.
func formatNumber(v float64, lang string) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
