package planning_test

import (
	"context"
	"strings"
	"testing"

	"btsplan/planning"
)

const sharingRule = "gap-fill-consider-sharing"

// sharingFill is a gap fill that covers no gap village, with towers.
func sharingFill(towers ...planning.ShareableTower) planning.GapFill {
	return planning.GapFill{Carrier: carrierVT, ShareableTowers: towers, ShareDistanceM: 1000}
}

func TestGapFillFindings(t *testing.T) {
	rs := defaultBook(t).National()
	site := validSite() // 40 m
	mast := planning.ShareableTower{ID: 7, Carrier: "452-01", Code: "MF-PM-01", DistanceM: 310, HeightM: 45}
	gapVillage := planning.GapFillVillage{ZoneID: 3, Name: "Bản Xa", StatusBefore: "trang_song", ForOwnCarrier: true}
	tests := []struct {
		name     string
		fill     planning.GapFill
		wantFire bool
	}{
		{"no gap village, a tall tower 310 m away", sharingFill(mast), true},
		{"the nearest of two towers is named", sharingFill(planning.ShareableTower{Carrier: "452-02", Code: "VNP-9", DistanceM: 480, HeightM: 50}, mast), true},
		{"covers a gap village", func() planning.GapFill {
			g := sharingFill(mast)
			g.VillagesNewlyCovered = []planning.GapFillVillage{gapVillage}
			return g
		}(), false},
		{"covered villages of unknown status", func() planning.GapFill { g := sharingFill(mast); g.VillagesUnknown = 2; return g }(), false},
		{"tower too far", sharingFill(planning.ShareableTower{Carrier: "452-01", Code: "FAR", DistanceM: 650, HeightM: 45}), false},
		{"tower too short", sharingFill(planning.ShareableTower{Carrier: "452-01", Code: "SHORT", DistanceM: 200, HeightM: 30}), false},
		{"no tower", sharingFill(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := planning.GapFillFindings(rs, site, tc.fill)
			var f *planning.Finding
			for i := range fs {
				if fs[i].RuleID == sharingRule {
					f = &fs[i]
				}
			}
			if (f != nil) != tc.wantFire {
				t.Fatalf("GapFillFindings = %+v, want %s firing = %v", fs, sharingRule, tc.wantFire)
			}
			if f == nil {
				return
			}
			if f.Severity != planning.SeverityCondition || f.Authority != "SKHCN" || f.FeatureName != "452-01/MF-PM-01" || f.DistanceM != 310 || f.LimitM != 500 {
				t.Errorf("finding = %+v, want a condition of SKHCN naming 452-01/MF-PM-01 at 310 m (limit 500 m)", *f)
			}
			for _, want := range []string{"consider sharing", "452-01/MF-PM-01", "45 m tall", "310 m away"} {
				if !strings.Contains(f.Message.EN, want) {
					t.Errorf("message = %q, want it to say %q", f.Message.EN, want)
				}
			}
			if !strings.Contains(f.Message.VI, "dùng chung") || !strings.Contains(f.Message.VI, "45 m") {
				t.Errorf("Vietnamese message = %q", f.Message.VI)
			}
		})
	}
}

func TestWithGapFillChangesTheVerdict(t *testing.T) {
	rs := defaultBook(t).National()
	a := planning.Assessment{Verdict: planning.Approve, Province: province}
	got := planning.WithGapFill(a, rs, validSite(), sharingFill(planning.ShareableTower{Carrier: "452-01", Code: "MF", DistanceM: 120, HeightM: 40}))
	if got.Verdict != planning.Conditional || len(got.Findings) != 1 {
		t.Errorf("WithGapFill = %s with %d findings, want CONDITIONAL with the sharing finding", got.Verdict, len(got.Findings))
	}
	if got := planning.WithGapFill(a, rs, validSite(), sharingFill()); got.Verdict != planning.Approve || len(got.Findings) != 0 {
		t.Errorf("WithGapFill without a tower = %s, %d findings; want APPROVE, none", got.Verdict, len(got.Findings))
	}
}

// The zone search does not read the gap-fill rules: they test no zone.
func TestGapFillRuleReadsNoZones(t *testing.T) {
	st := newStores(nil)
	svc := st.service(defaultBook(t))
	a, err := svc.Check(context.Background(), validSite())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Findings {
		if f.RuleID == sharingRule {
			t.Errorf("Check found %s without a gap fill", sharingRule)
		}
	}
	for _, q := range st.zoneQueries {
		for _, k := range q.Kinds {
			if k == planning.LayerKindGapFill {
				t.Errorf("zone query asks for kind %s", k)
			}
		}
	}
}

func TestGapFillRuleFileErrors(t *testing.T) {
	const rule = `  - id: share
    effect: consent
    authority: SKHCN
    gap_fill:
      covers_gap_village: false
      shareable_tower_within_m: 300
    legal_basis: "Luật Viễn thông 2023"
    message:
      vi: "Cột {feature} cao {tower_height_m} m cách {distance_m} m"
      en: "consider sharing {feature} ({tower_height_m} m), {distance_m} m away"
`
	if _, err := planning.ParseRuleBook(nationalFile(t), planning.RuleFile{Name: "rules/p.yaml", Data: []byte(provinceHeader + rule)}); err != nil {
		t.Fatalf("a valid gap_fill rule: %v", err)
	}
	tests := []struct {
		name, old, new, wantPath, wantMsg string
	}{
		{"zone field", "    effect: consent", "    kinds: [tower]\n    effect: consent", "rules[0].kinds", "a gap_fill rule tests the gap fill, not zones"},
		{"negative distance", "within_m: 300", "within_m: -1", "rules[0].gap_fill.shareable_tower_within_m", "must be above 0"},
		{"not a boolean", "covers_gap_village: false", "covers_gap_village: none", "rules[0].gap_fill.covers_gap_village", "want true or false"},
		{"unknown condition", "covers_gap_village: false", "covers_villages: false", "rules[0].gap_fill.covers_villages", "unknown field"},
		{"empty condition", "      covers_gap_village: false\n      shareable_tower_within_m: 300\n", "      {}\n", "rules[0].gap_fill", "empty condition"},
		{"unknown placeholder", "{tower_height_m} m)", "{tower_m} m)", "rules[0].message.en", "unknown placeholder {tower_m}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(rule, tc.old) {
				t.Fatalf("rule has no %q", tc.old)
			}
			data := provinceHeader + strings.Replace(rule, tc.old, tc.new, 1)
			_, err := planning.ParseRuleBook(nationalFile(t), planning.RuleFile{Name: "rules/p.yaml", Data: []byte(data)})
			found := false
			for _, re := range planning.RuleErrors(err) {
				if re.Path == tc.wantPath && strings.Contains(re.Msg, tc.wantMsg) {
					found = true
				}
			}
			if !found {
				t.Errorf("ParseRuleBook = %v, want %s: %s", err, tc.wantPath, tc.wantMsg)
			}
		})
	}
}

// TestReassessWithGapFill: once the gap fill is known the proposal gets a
// second assessment (the first is kept), whose verdict the sharing rule
// changes; a second call (a retried job) adds nothing.
func TestReassessWithGapFill(t *testing.T) {
	st := newStores(nil)
	site := validSite()
	stored := []planning.Assessment{{ID: 1, ProposalID: 9, Revision: 1, Verdict: planning.Approve, Basis: planning.BasisZoning, Province: province}}
	st.props.ProposalFunc = func(context.Context, int64) (planning.Proposal, error) {
		return planning.Proposal{ID: 9, Revision: 1, Site: site, Verdict: planning.Approve}, nil
	}
	st.props.AssessmentFunc = func(context.Context, int64) (planning.Assessment, error) { return stored[len(stored)-1], nil }
	var audits []planning.AuditEntry
	st.props.AddAssessmentFunc = func(_ context.Context, a *planning.Assessment, audit ...planning.AuditEntry) error {
		a.ID = int64(len(stored) + 1)
		stored = append(stored, *a)
		audits = append(audits, audit...)
		return nil
	}
	svc := st.service(defaultBook(t))
	g := sharingFill(planning.ShareableTower{Carrier: "452-01", Code: "MF-PM-01", DistanceM: 310, HeightM: 45})
	a, added, err := svc.ReassessWithGapFill(context.Background(), 9, g)
	if err != nil || !added {
		t.Fatalf("ReassessWithGapFill = added %v, %v; want a new assessment", added, err)
	}
	if len(stored) != 2 || stored[0].Verdict != planning.Approve || stored[0].Basis != planning.BasisZoning {
		t.Errorf("assessments = %+v, want the first kept as it was", stored)
	}
	if a.ID != 2 || a.ProposalID != 9 || a.Revision != 1 || a.Basis != planning.BasisGapFill || a.Verdict != planning.Conditional ||
		len(ruleIDs(a.Findings)) != 1 || ruleIDs(a.Findings)[0] != sharingRule {
		t.Errorf("new assessment = %+v, want #2 of proposal 9 rev 1, gap_fill, CONDITIONAL by %s", a, sharingRule)
	}
	// The re-evaluation is audited with it, by the system, naming the
	// verdict it changed.
	if len(audits) != 1 || audits[0].Action != "assessment.reevaluate" || audits[0].Actor != "system" || audits[0].ProposalID != 9 ||
		audits[0].Details["verdict_before"] != string(planning.Approve) || audits[0].Details["verdict_after"] != string(planning.Conditional) ||
		audits[0].Details["earlier_assessment_id"] != "1" {
		t.Errorf("audit rows = %+v, want one assessment.reevaluate by the system of proposal 9, APPROVE → CONDITIONAL, after #1", audits)
	}
	again, added, err := svc.ReassessWithGapFill(context.Background(), 9, g)
	if err != nil || added || again.ID != 2 || len(stored) != 2 || len(audits) != 1 {
		t.Errorf("second ReassessWithGapFill = #%d added %v, %v (%d stored); want #2 as is, nothing added", again.ID, added, err, len(stored))
	}
}
