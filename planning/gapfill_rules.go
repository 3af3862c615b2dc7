package planning

import (
	"context"
	"fmt"
	"sort"
	"strconv"
)

// LayerKindGapFill is the layer kind of the findings of gap-fill rules:
// they are about the gap-fill section, not a zone.
const LayerKindGapFill = "gap_fill"

// The bases of an assessment: the zoning alone, or the zoning and the
// proposal's gap fill (a re-evaluation once the gap fill is computed).
const (
	BasisZoning  = "zoning"
	BasisGapFill = "gap_fill"
)

// GapFillFindings applies the gap-fill rules of rs (Rule.GapFill) that
// apply to site s (structure and height) to its gap fill g and returns
// their findings, in rule order. A rule holds when every condition given
// holds; see GapFillCondition. The finding of a rule with
// ShareableTowerWithinM names the nearest shareable tower (FeatureName
// carrier/code), its distance (DistanceM) and the limit (LimitM).
func GapFillFindings(rs *RuleSet, s Site, g GapFill) []Finding {
	var out []Finding
	for i := range rs.Rules {
		r := &rs.Rules[i]
		c := r.GapFill
		if c == nil || !r.AppliesTo(s.Structure, s.HeightM) {
			continue
		}
		newly := len(g.VillagesNewlyCovered)
		if c.CoversGapVillage != nil {
			covers := newly > 0
			if covers != *c.CoversGapVillage {
				continue
			}
			if !covers && g.VillagesUnknown > 0 {
				continue // some covered village may be a gap: not "none"
			}
		}
		f := Finding{RuleID: r.ID, Severity: r.Effect.Severity(), Layer: LayerKindGapFill, LayerKind: LayerKindGapFill,
			Authority: r.Authority, LegalBasis: r.LegalBasis}
		mv := messageValues{villagesNewlyCovered: newly}
		if c.ShareableTowerWithinM > 0 {
			var tower *ShareableTower
			for k := range g.ShareableTowers {
				t := &g.ShareableTowers[k]
				if t.DistanceM <= c.ShareableTowerWithinM && t.HeightM >= s.HeightM && (tower == nil || t.DistanceM < tower.DistanceM) {
					tower = t
				}
			}
			if tower == nil {
				continue
			}
			f.FeatureName = tower.Carrier + "/" + tower.Code
			f.Category = "tower"
			f.DistanceM = tower.DistanceM
			f.LimitM = c.ShareableTowerWithinM
			f.ExcessM = c.ShareableTowerWithinM - tower.DistanceM
			mv.towerHeightM = tower.HeightM
		}
		mv.Finding = f
		f.Message = Text{
			VI: fillMessage(r.Message.VI, "vi", mv, Category{}, c.ShareableTowerWithinM, s.HeightM),
			EN: fillMessage(r.Message.EN, "en", mv, Category{}, c.ShareableTowerWithinM, s.HeightM),
		}
		out = append(out, f)
	}
	return out
}

// WithGapFill returns a with the findings of the gap-fill rules of rs for
// site s and gap fill g added (see GapFillFindings), the findings sorted
// as an assessment's are and the verdict composed again.
func WithGapFill(a Assessment, rs *RuleSet, s Site, g GapFill) Assessment {
	extra := GapFillFindings(rs, s, g)
	fs := make([]Finding, 0, len(a.Findings)+len(extra))
	fs = append(fs, a.Findings...)
	fs = append(fs, extra...)
	sort.SliceStable(fs, func(i, j int) bool { return findingLess(&fs[i], &fs[j]) })
	a.Findings = fs
	a.Verdict = verdictOf(fs)
	return a
}

// ApplyGapFill returns check assessment a (of site s) with the gap-fill
// rules of its province's rule set applied to g: POST /v1/checks with
// gap_fill, where the section is computed synchronously.
func (s *Service) ApplyGapFill(a Assessment, site Site, g GapFill) Assessment {
	a = WithGapFill(a, s.book.RuleSet(a.Province), site, g)
	a.Basis = BasisGapFill
	return a
}

// ReassessWithGapFill re-evaluates proposal proposalID once its gap fill
// g is known, as a new assessment: the site's latest revision is assessed
// again as Submit does (current layers, the province's rule set), the
// gap-fill rules are applied to g, and the result is stored with basis
// BasisGapFill beside the earlier assessments, which are kept; its verdict
// becomes the proposal's. When the latest assessment is a gap-fill one
// already (a retried job), it is returned as is and added is false.
// Errors: NotFound, those of Check, Unavailable.
func (s *Service) ReassessWithGapFill(ctx context.Context, proposalID int64, g GapFill) (a Assessment, added bool, err error) {
	op := fmt.Sprintf("re-evaluate proposal %d with its gap fill", proposalID)
	prev, err := s.props.Assessment(ctx, proposalID)
	if err != nil {
		return Assessment{}, false, fmt.Errorf("%s: %w", op, err)
	}
	if prev.Basis == BasisGapFill {
		return prev, false, nil
	}
	p, err := s.props.Proposal(ctx, proposalID)
	if err != nil {
		return Assessment{}, false, fmt.Errorf("%s: %w", op, err)
	}
	_, a, err = s.prepare(ctx, p.Site, op)
	if err != nil {
		return Assessment{}, false, err
	}
	a = WithGapFill(a, s.book.RuleSet(a.Province), p.Site, g)
	a.Basis, a.ProposalID, a.Revision = BasisGapFill, p.ID, p.Revision
	// The re-evaluation is a step of the case like any other: the system
	// makes it, and the audit trail says what it changed.
	audit := AuditEntry{At: s.now(), Actor: "system", Action: "assessment.reevaluate", ProposalID: p.ID,
		Details: map[string]string{
			"basis":                 string(BasisGapFill),
			"revision":              strconv.Itoa(p.Revision),
			"earlier_assessment_id": strconv.FormatInt(prev.ID, 10),
			"verdict_before":        string(prev.Verdict),
			"verdict_after":         string(a.Verdict),
			"gap_villages_covered":  strconv.Itoa(len(g.VillagesNewlyCovered)),
		}}
	if err := s.props.AddAssessment(ctx, &a, audit); err != nil {
		return Assessment{}, false, fmt.Errorf("%s: %w", op, err)
	}
	return a, true, nil
}

// Assessments returns every assessment of a proposal, newest first,
// without findings: the latest and the earlier ones it replaced. Errors:
// Unavailable.
func (s *Service) Assessments(ctx context.Context, proposalID int64) ([]Assessment, error) {
	as, err := s.props.Assessments(ctx, proposalID)
	if err != nil {
		return nil, fmt.Errorf("assessments of proposal %d: %w", proposalID, err)
	}
	return as, nil
}

// ProposalReassessed computes and stores the gap fill of a proposal's
// latest assessment (Proposal), then has svc re-evaluate the proposal with
// it (Service.ReassessWithGapFill) and stores the same gap fill with the
// new assessment, so that the latest assessment always has its section.
// A retry after the re-evaluation finds it done and only stores the gap
// fill again. Errors: those of Proposal and ReassessWithGapFill.
func (s *GapFillService) ProposalReassessed(ctx context.Context, proposalID int64, svc *Service) (GapFill, Assessment, error) {
	g, err := s.Proposal(ctx, proposalID)
	if err != nil {
		return GapFill{}, Assessment{}, err
	}
	a, added, err := svc.ReassessWithGapFill(ctx, proposalID, g)
	if err != nil {
		return GapFill{}, Assessment{}, err
	}
	if added {
		g.AssessmentID = a.ID
		if err := s.store.SaveGapFill(ctx, proposalID, &g); err != nil {
			return GapFill{}, Assessment{}, fmt.Errorf("gap fill of proposal %d: %w", proposalID, err)
		}
	}
	return g, a, nil
}
