package data_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/planning"
)

var caseNow = time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)

// caseFixture is a schema with one reviewer and one submitted case.
type caseFixture struct {
	stores
	cases    *data.CaseStore
	users    *data.UserStore
	reviewer planning.User
	c        planning.Case
}

// submission builds a new submission of site code for carrier 452-04.
func submission(code string, required []string) *planning.NewSubmission {
	c := &planning.Case{Carrier: "452-04", SiteCode: code, Province: "25", State: planning.StateAssessed, Stations: 1,
		Clock: planning.ReviewClock{WorkingDays: 15, Started: caseNow}, Due: time.Date(2026, 3, 23, 0, 0, 0, 0, planning.Vietnam()), Updated: caseNow}
	p := &planning.Proposal{Site: planning.Site{Carrier: "452-04", Code: code, Location: orb.Point{105.64, 21.46},
		Structure: planning.StructureA2b, HeightM: 40}, Verdict: planning.Conditional}
	a := &planning.Assessment{Verdict: planning.Conditional, RuleSetVersion: "test@1", Province: "25",
		RuleSetFiles: []planning.RuleFile{{Name: "rules/national.yaml", Data: []byte("schema: 1\n")}},
		Findings:     []planning.Finding{{RuleID: "r1", Severity: planning.SeverityCondition, Authority: "SXD"}}}
	return &planning.NewSubmission{Case: c, Proposal: p, Assessment: a, ContentHash: "h-" + code, Required: required,
		Events: []planning.CaseEventRecord{
			{Event: planning.EventSubmit, From: planning.StateDraft, To: planning.StateSubmitted, At: caseNow, Actor: "lan"},
			{Event: planning.EventAssess, From: planning.StateSubmitted, To: planning.StateAssessed, At: caseNow, Actor: "lan"},
		},
		Audit: []planning.AuditEntry{{At: caseNow, Actor: "lan", Org: "452-04", Action: "case.submit",
			StateBefore: planning.StateDraft, StateAfter: planning.StateAssessed, RequestID: "req-1"}},
	}
}

func newCaseFixture(t *testing.T) *caseFixture {
	t.Helper()
	f := &caseFixture{stores: newStores(t)}
	f.cases = data.NewCaseStore(f.db)
	f.users = data.NewUserStore(f.db)
	f.reviewer = planning.User{Name: "minh", Org: "SNNMT", Province: "25", Roles: []planning.Role{planning.RoleReviewer}}
	if err := f.users.CreateUser(context.Background(), &f.reviewer); err != nil {
		t.Fatal(err)
	}
	sub := submission("TD-1", []string{"SXD"})
	if err := f.cases.Submit(context.Background(), sub); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	f.c = *sub.Case
	return f
}

// decision returns a change of the case to approved_with_conditions.
func (f *caseFixture) decision(version int) *planning.CaseChange {
	c := f.c
	c.State = planning.StateApprovedCond
	c.Clock.Stopped = caseNow
	c.Due = time.Time{}
	return &planning.CaseChange{Case: &c, WantVersion: version,
		Decision: &planning.Decision{CaseID: c.ID, ProposalID: c.ProposalID, Outcome: planning.StateApprovedCond,
			Authority: "SNNMT", UserID: f.reviewer.ID, Reviewer: "minh", Signed: caseNow,
			ValidUntil: time.Date(2027, 9, 2, 0, 0, 0, 0, planning.Vietnam()),
			Conditions: []planning.Condition{{Type: planning.CondMaxHeight, Params: map[string]string{"height_m": "36"}, Status: planning.ConditionOpen}}},
		Events: []planning.CaseEventRecord{{Event: planning.EventApproveCond, From: planning.StateUnderReview, To: planning.StateApprovedCond,
			At: caseNow, UserID: f.reviewer.ID, Actor: "minh"}},
		Audit: []planning.AuditEntry{{At: caseNow, UserID: f.reviewer.ID, Actor: "minh", Org: "SNNMT", Action: "case.approve_with_conditions",
			CaseID: c.ID, StateBefore: planning.StateUnderReview, StateAfter: planning.StateApprovedCond, RequestID: "req-2"}},
	}
}

func TestCaseSubmitStoresEverything(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	got, err := f.cases.Case(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != planning.StateAssessed || got.Version != 2 || got.ProposalID == 0 || got.Revision != 1 ||
		!got.Clock.Started.Equal(caseNow) || got.Due.Format(time.DateOnly) != "2026-03-23" {
		t.Errorf("Case = %+v; want assessed at version 2, revision 1, the clock from %v, due 2026-03-23", got, caseNow)
	}
	checks := []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM case_event WHERE case_id = $1", 2},
		{"SELECT count(*) FROM audit_event WHERE case_id = $1 AND state_before = 'draft' AND state_after = 'assessed' AND request_id = 'req-1'", 1},
		{"SELECT count(*) FROM proposal WHERE case_id = $1", 1},
		{"SELECT count(*) FROM required_signature r JOIN assessment a ON a.id = r.assessment_id WHERE a.proposal_id = (SELECT proposal_id FROM review_case WHERE id = $1)", 1},
	}
	for _, c := range checks {
		if n := count(t, f.pool, c.sql, f.c.ID); n != c.want {
			t.Errorf("%s = %d, want %d", c.sql, n, c.want)
		}
	}
	// The rule set's text is kept once, by version.
	files, err := f.proposals.RuleSetFiles(ctx, "test@1")
	if err != nil || len(files) != 1 || string(files[0].Data) != "schema: 1\n" {
		t.Errorf("RuleSetFiles(test@1) = %v, %v; want the text submitted", files, err)
	}
	again := submission("TD-2", nil)
	again.Assessment.RuleSetFiles[0].Data = []byte("changed\n")
	if err := f.cases.Submit(ctx, again); err != nil {
		t.Fatal(err)
	}
	if files, _ := f.proposals.RuleSetFiles(ctx, "test@1"); string(files[0].Data) != "schema: 1\n" {
		t.Errorf("a second submission rewrote the rule set text: %q", files[0].Data)
	}
}

// TestAuditAppendOnly: the database refuses to change or delete audit rows.
func TestAuditAppendOnly(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	for _, sql := range []string{
		"UPDATE audit_event SET actor = 'someone else'",
		"DELETE FROM audit_event",
		"TRUNCATE audit_event",
		"UPDATE case_event SET state_after = 'approved'",
		"DELETE FROM case_event",
		"UPDATE rule_set_file SET body = ''",
	} {
		t.Run(sql, func(t *testing.T) {
			_, err := f.pool.Exec(ctx, sql)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error = %v, want it refused as append-only", sql, err)
			}
		})
	}
	if n := count(t, f.pool, "SELECT count(*) FROM audit_event WHERE actor = 'lan'"); n != 1 {
		t.Errorf("audit rows after the attempts = %d, want 1 unchanged", n)
	}
	// Inserting is still allowed.
	if _, err := f.pool.Exec(ctx, "INSERT INTO audit_event (actor, action) VALUES ('x', 'y')"); err != nil {
		t.Errorf("insert into audit_event: %v", err)
	}
}

// TestChangeAtomic: when the audit insert fails after the state change, the
// transaction leaves neither the new state nor its history.
func TestChangeAtomic(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	if _, err := f.pool.Exec(ctx, `CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'audit disk full'; END $$;
		CREATE TRIGGER fail_audit BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION fail_audit()`); err != nil {
		t.Fatal(err)
	}
	ch := f.decision(f.c.Version)
	if err := f.cases.Change(ctx, ch); err == nil {
		t.Fatal("Change with a failing audit insert succeeded")
	}
	got, err := f.cases.Case(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != planning.StateAssessed || got.Version != f.c.Version {
		t.Errorf("after the failed change the case is %s v%d, want assessed v%d", got.State, got.Version, f.c.Version)
	}
	for _, sql := range []string{"SELECT count(*) FROM decision", "SELECT count(*) FROM decision_condition",
		"SELECT count(*) FROM case_event WHERE event = 'approve_with_conditions'"} {
		if n := count(t, f.pool, sql); n != 0 {
			t.Errorf("%s = %d after the failed change, want 0", sql, n)
		}
	}
	// The same change succeeds once the audit can be written.
	if _, err := f.pool.Exec(ctx, "DROP TRIGGER fail_audit ON audit_event"); err != nil {
		t.Fatal(err)
	}
	if err := f.cases.Change(ctx, f.decision(f.c.Version)); err != nil {
		t.Fatalf("Change: %v", err)
	}
	ds, err := f.cases.Decisions(ctx, f.c.ID)
	if err != nil || len(ds) != 1 || len(ds[0].Conditions) != 1 || ds[0].Conditions[0].Params["height_m"] != "36" ||
		ds[0].ValidUntil.Format(time.DateOnly) != "2027-09-02" {
		t.Errorf("Decisions = %+v, %v; want one with its condition and validity", ds, err)
	}
}

// TestConcurrentDecisions: two reviewers decide on the same version at
// once; exactly one wins and the other is Stale.
func TestConcurrentDecisions(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	const n = 2
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f.cases.Change(ctx, f.decision(f.c.Version))
		}()
	}
	close(start)
	wg.Wait()
	won, stale := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case planning.KindOf(err) == planning.Stale:
			stale++
		default:
			t.Errorf("Change error = %v, want nil or Stale", err)
		}
	}
	if won != 1 || stale != 1 {
		t.Errorf("%d won, %d stale; want exactly one winner", won, stale)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM decision"); n != 1 {
		t.Errorf("decisions stored = %d, want 1", n)
	}
	got, _ := f.cases.Case(ctx, f.c.ID)
	if got.Version != f.c.Version+1 {
		t.Errorf("version = %d, want %d", got.Version, f.c.Version+1)
	}
}

func TestCasePauseAndSignature(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	c := f.c
	c.State = planning.StateDocsRequired
	c.Due = time.Time{}
	paused := caseNow.Add(24 * time.Hour)
	if err := f.cases.Change(ctx, &planning.CaseChange{Case: &c, WantVersion: f.c.Version, OpenPause: paused}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.cases.Case(ctx, c.ID)
	if len(got.Clock.Pauses) != 1 || !got.Clock.Pauses[0].From.Equal(paused) || !got.Clock.Pauses[0].Until.IsZero() || !got.Due.IsZero() {
		t.Errorf("after the pause: %+v; want one open pause and no due day", got.Clock)
	}
	resumed := paused.Add(48 * time.Hour)
	c.State = planning.StateUnderReview
	if err := f.cases.Change(ctx, &planning.CaseChange{Case: &c, WantVersion: got.Version, ClosePause: resumed}); err != nil {
		t.Fatal(err)
	}
	got, _ = f.cases.Case(ctx, c.ID)
	if len(got.Clock.Pauses) != 1 || !got.Clock.Pauses[0].Until.Equal(resumed) {
		t.Errorf("after resuming: %+v; want the pause closed", got.Clock.Pauses)
	}
	a, err := f.proposals.Assessment(ctx, c.ProposalID)
	if err != nil {
		t.Fatal(err)
	}
	req, err := f.cases.RequiredSignatures(ctx, a.ID)
	if err != nil || len(req) != 1 || req[0] != "SXD" {
		t.Fatalf("RequiredSignatures = %v, %v; want [SXD]", req, err)
	}
	signer := planning.User{Name: "hoa", Org: "SXD", Roles: []planning.Role{planning.RoleReviewer}}
	if err := f.users.CreateUser(ctx, &signer); err != nil {
		t.Fatal(err)
	}
	sign := func(version int) error {
		cc := got
		return f.cases.Change(ctx, &planning.CaseChange{Case: &cc, WantVersion: version,
			Signature: &planning.Signature{AssessmentID: a.ID, Authority: "SXD", Consent: true, UserID: signer.ID, Signed: caseNow}})
	}
	if err := sign(got.Version); err != nil {
		t.Fatal(err)
	}
	if err := sign(got.Version + 1); planning.KindOf(err) != planning.Exists {
		t.Errorf("second signature of SXD: error %v, want Exists", err)
	}
	sigs, err := f.cases.Signatures(ctx, a.ID)
	if err != nil || len(sigs) != 1 || sigs[0].Signer != "hoa" || !sigs[0].Consent {
		t.Errorf("Signatures = %+v, %v; want hoa's consent", sigs, err)
	}
}

func TestSubmitIdempotencyKey(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	key := &planning.IdempotencyKey{Org: "452-04", Key: "k-1", RequestHash: "body-1"}
	first := submission("TD-9", nil)
	first.Idempotency = key
	if err := f.cases.Submit(ctx, first); err != nil || first.ReplayOf != 0 {
		t.Fatalf("first Submit = replay %d, %v", first.ReplayOf, err)
	}
	retry := submission("TD-9", nil)
	retry.Idempotency = key
	if err := f.cases.Submit(ctx, retry); err != nil || retry.ReplayOf != first.Proposal.ID {
		t.Errorf("retry = replay %d, %v; want proposal %d", retry.ReplayOf, err, first.Proposal.ID)
	}
	other := submission("TD-10", nil)
	other.Idempotency = &planning.IdempotencyKey{Org: "452-04", Key: "k-1", RequestHash: "body-2"}
	if err := f.cases.Submit(ctx, other); planning.FieldOf(err) != "Idempotency-Key" {
		t.Errorf("same key, other body: error %v, want Invalid naming Idempotency-Key", err)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM proposal WHERE site_code IN ('TD-9', 'TD-10')"); n != 1 {
		t.Errorf("proposals stored = %d, want 1", n)
	}
	if h, id, err := f.cases.Idempotent(ctx, "452-04", "k-1"); err != nil || h != "body-1" || id != first.Proposal.ID {
		t.Errorf("Idempotent = %q, %d, %v", h, id, err)
	}
}

func TestSubmitStaleRevision(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	rev := submission("TD-1", nil)
	rev.ContentHash = "h-TD-1-rev"
	rev.Case = &f.c
	rev.WantVersion = f.c.Version - 1
	rev.Events[0] = planning.CaseEventRecord{Event: planning.EventRevise, From: planning.StateAssessed, To: planning.StateSubmitted, At: caseNow, Actor: "lan"}
	if err := f.cases.Submit(ctx, rev); planning.KindOf(err) != planning.Stale {
		t.Errorf("revision on an old version: error %v, want Stale", err)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM proposal"); n != 1 {
		t.Errorf("proposals = %d after a stale revision, want 1", n)
	}
}

// TestCasesList: the case list filters by state, overdue and who may see
// what, and pages, in the order of the cases' ids.
func TestCasesList(t *testing.T) {
	f := newCaseFixture(t)
	ctx := context.Background()
	if err := f.cases.Submit(ctx, submission("TD-2", nil)); err != nil {
		t.Fatal(err)
	}
	if err := f.cases.Change(ctx, f.decision(f.c.Version)); err != nil { // TD-1: decided, clock stopped
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, planning.Vietnam()) }
	tests := []struct {
		name string
		f    planning.CaseFilter
		want []string
	}{
		{"all", planning.CaseFilter{All: true}, []string{"TD-1", "TD-2"}},
		{"by state", planning.CaseFilter{All: true, State: planning.StateApprovedCond}, []string{"TD-1"}},
		{"overdue the day after the due day", planning.CaseFilter{All: true, Overdue: true, Today: day(24)}, []string{"TD-2"}},
		{"not overdue on the due day", planning.CaseFilter{All: true, Overdue: true, Today: day(23)}, nil},
		{"own carrier and public", planning.CaseFilter{Carrier: "452-04", Public: true}, []string{"TD-1", "TD-2"}},
		{"another carrier sees the public one", planning.CaseFilter{Carrier: "452-01", Public: true}, []string{"TD-1"}},
		{"own province", planning.CaseFilter{Province: "25"}, []string{"TD-1", "TD-2"}},
		{"another province", planning.CaseFilter{Province: "26"}, nil},
		{"nothing selected", planning.CaseFilter{}, nil},
		{"second page", planning.CaseFilter{All: true, Limit: 1, Offset: 1}, []string{"TD-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.f.Limit == 0 {
				tt.f.Limit = 50
			}
			if tt.f.Today.IsZero() {
				tt.f.Today = day(2)
			}
			cs, err := f.cases.Cases(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.SiteCode)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Cases(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
}
