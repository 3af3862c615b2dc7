package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/data/jobs"
	"btsplan/planning"
)

// notifyFixture is a schema with one province around (siteLon, siteLat),
// the case and webhook stores, and a review over them, for the
// notification jobs. Its coverage service has no DEM: no coverage is
// queued here.
type notifyFixture struct {
	pool   *pgxpool.Pool
	db     *data.DB
	cases  *data.CaseStore
	hooks  *data.WebhookStore
	review *planning.Review
	cov    *planning.CoverageService
}

const notifyProvince = `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"ma": "26", "ten": "Tỉnh Vĩnh Phúc"},
  "geometry": {"type": "Polygon", "coordinates": [[[105.2, 21.2], [105.8, 21.2], [105.8, 21.8], [105.2, 21.8], [105.2, 21.2]]]}}]}`

var (
	reviewerP = planning.Principal{Name: "minh", Org: "SNNMT", OrgKind: "authority", Roles: []planning.Role{planning.RoleReviewer}}
	carrierP  = planning.Principal{Name: "lan", Org: "452-04", OrgKind: "carrier", Roles: []planning.Role{planning.RoleCarrier}}
)

func newNotifyFixture(t *testing.T) *notifyFixture {
	t.Helper()
	ctx := context.Background()
	pool := datatest.New(t)
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	if _, err := data.NewAdminStore(db).ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", NameField: "ten",
		ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, strings.NewReader(notifyProvince)); err != nil {
		t.Fatal(err)
	}
	cal, err := planning.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	f := &notifyFixture{pool: pool, db: db, cases: data.NewCaseStore(db), hooks: data.NewWebhookStore(db)}
	f.review = planning.NewReview(planning.ReviewConfig{}, nil, f.cases, data.NewProposalStore(db), cal, nil)
	dir := t.TempDir()
	f.cov = planning.NewCoverageService(planning.CoverageConfig{}, dem.Terrain{Store: dem.NewStore(pool, dir)},
		data.NewCoverageStore(db, dir), data.NewProposalStore(db))
	return f
}

// submitCase stores a new assessed case of carrier 452-04 at loc whose
// assessment has findings, with the notice planning.Review.Submit makes.
func (f *notifyFixture) submitCase(t *testing.T, code string, loc orb.Point, findings ...planning.Finding) planning.Case {
	t.Helper()
	now := time.Now()
	c := &planning.Case{Carrier: "452-04", SiteCode: code, Province: "26", State: planning.StateAssessed, Stations: 1,
		Clock: planning.ReviewClock{WorkingDays: 15, Started: now}, Updated: now}
	sub := &planning.NewSubmission{Case: c,
		Proposal: &planning.Proposal{Site: planning.Site{Carrier: "452-04", Code: code, Location: loc,
			Structure: planning.StructureA2b, HeightM: 30}, Verdict: planning.Approve},
		Assessment: &planning.Assessment{Verdict: planning.Approve, RuleSetVersion: "test@1", Province: "26",
			RuleSetFiles: []planning.RuleFile{{Name: "rules/national.yaml", Data: []byte("schema: 1\n")}}, Findings: findings},
		ContentHash: "h-" + code,
		Events: []planning.CaseEventRecord{
			{Event: planning.EventSubmit, From: planning.StateDraft, To: planning.StateSubmitted, At: now, Actor: "lan"},
			{Event: planning.EventAssess, From: planning.StateSubmitted, To: planning.StateAssessed, At: now, Actor: "lan"},
		},
		Audit: []planning.AuditEntry{{At: now, Actor: "lan", Org: "452-04", Action: "case.submit",
			StateBefore: planning.StateDraft, StateAfter: planning.StateAssessed}},
		Notice: &planning.Notice{Event: planning.EventSubmit, From: planning.StateDraft, To: planning.StateAssessed, At: now,
			Orgs: []string{"452-04", planning.DefaultLeadAuthority}},
	}
	if err := f.cases.Submit(context.Background(), sub); err != nil {
		t.Fatalf("submit %s: %v", code, err)
	}
	return *sub.Case
}

// approve moves case c to approved, valid until validUntil (as a
// reviewer's decision would), without a notice.
func (f *notifyFixture) approve(t *testing.T, c planning.Case, validUntil time.Time) planning.Case {
	t.Helper()
	now := time.Now()
	from := c.State
	c.State, c.Updated, c.Due = planning.StateApproved, now, time.Time{}
	c.Clock.Stopped = now
	ch := &planning.CaseChange{Case: &c, WantVersion: c.Version,
		Decision: &planning.Decision{CaseID: c.ID, ProposalID: c.ProposalID, Outcome: planning.StateApproved,
			Authority: "SNNMT", Reviewer: "minh", Signed: now, ValidUntil: validUntil},
		Events: []planning.CaseEventRecord{{Event: planning.EventApprove, From: from, To: planning.StateApproved, At: now, Actor: "minh"}},
		Audit: []planning.AuditEntry{{At: now, Actor: "minh", Org: "SNNMT", Action: "case.approve", CaseID: c.ID,
			StateBefore: from, StateAfter: planning.StateApproved}},
	}
	if err := f.cases.Change(context.Background(), ch); err != nil {
		t.Fatalf("approve case %d: %v", c.ID, err)
	}
	return c
}

func (f *notifyFixture) webhook(t *testing.T, org, url string, events ...planning.CaseEvent) planning.Webhook {
	t.Helper()
	w := planning.Webhook{Org: org, URL: url, Secret: "secret-of-" + org + "-0123456789", Events: events}
	if err := f.hooks.CreateWebhook(context.Background(), &w, planning.AuditEntry{At: time.Now(), Actor: "test", Org: org, Action: "webhook.create"}); err != nil {
		t.Fatalf("webhook of %s: %v", org, err)
	}
	return w
}

func (f *notifyFixture) deliveries(t *testing.T, webhookID int64) []planning.Delivery {
	t.Helper()
	ds, err := f.hooks.Deliveries(context.Background(), webhookID, 100, 0)
	if err != nil {
		t.Fatalf("deliveries of webhook %d: %v", webhookID, err)
	}
	return ds
}

// waitDeliveries polls webhook id's deliveries until cond holds.
func (f *notifyFixture) waitDeliveries(t *testing.T, id int64, limit time.Duration, what string, cond func([]planning.Delivery) bool) []planning.Delivery {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ds := f.deliveries(t, id)
		if cond(ds) {
			return ds
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries of webhook %d after %v: %+v; want %s", id, limit, ds, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// receiver is a webhook endpoint that answers the statuses of answers in
// turn (then 200) and verifies every signature.
type receiver struct {
	mu      sync.Mutex
	answers []int
	secret  string
	bodies  [][]byte
	badSigs []error
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := planning.VerifyWebhook(r.secret, req.Header.Get(planning.SignatureHeader), body, time.Now(), planning.WebhookTolerance); err != nil {
		r.badSigs = append(r.badSigs, err)
	}
	r.bodies = append(r.bodies, body)
	status := http.StatusOK
	if len(r.answers) > 0 {
		status, r.answers = r.answers[0], r.answers[1:]
	}
	w.WriteHeader(status)
}

// TestWebhookDeliveryRetries: a change of state queues a delivery that a
// worker posts, signed; the receiver's 500 is retried with River's
// backoff, and the second attempt is delivered. Both attempts are kept.
func TestWebhookDeliveryRetries(t *testing.T) {
	f := newNotifyFixture(t)
	ctx := context.Background()
	recv := &receiver{answers: []int{http.StatusInternalServerError}, secret: "secret-of-452-04-0123456789"}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)
	hook := f.webhook(t, "452-04", srv.URL+"/btsplan")

	q := newQueue(t, f.pool, f.cov, jobs.Config{Workers: 1, Webhooks: f.hooks, WebhookAllowPrivate: true})
	f.cases.OnNotice(q.InsertDeliveriesTx)
	c := f.submitCase(t, "HOOK-1", orb.Point{siteLon, siteLat})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ds := f.waitDeliveries(t, hook.ID, time.Minute, "one delivered", func(ds []planning.Delivery) bool {
		return len(ds) == 1 && ds[0].Status != planning.DeliveryPending
	})
	d := ds[0]
	if d.Status != planning.DeliveryDelivered || d.Event != planning.EventSubmit || d.CaseID != c.ID {
		t.Fatalf("delivery = %s %s of case %d, want delivered submit of case %d", d.Status, d.Event, d.CaseID, c.ID)
	}
	if len(d.Attempts) != 2 {
		t.Fatalf("%d attempts %+v, want 2 (a 500, then a 200)", len(d.Attempts), d.Attempts)
	}
	if a := d.Attempts[0]; a.Attempt != 1 || a.StatusCode != 500 || !strings.Contains(a.Error, "500") {
		t.Errorf("attempt 1 = %+v, want status 500 with its error", a)
	}
	if a := d.Attempts[1]; a.Attempt != 2 || a.StatusCode != 200 || a.Error != "" || !a.At.After(d.Attempts[0].At) {
		t.Errorf("attempt 2 = %+v, want status 200 without error, after attempt 1", a)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.bodies) != 2 || len(recv.badSigs) != 0 {
		t.Fatalf("receiver got %d posts with signature errors %v; want 2 correctly signed", len(recv.bodies), recv.badSigs)
	}
	var body struct {
		Event       string `json:"event"`
		CaseID      int64  `json:"case_id"`
		StateBefore string `json:"state_before"`
		StateAfter  string `json:"state_after"`
		SiteCode    string `json:"site_code"`
	}
	if err := json.Unmarshal(recv.bodies[1], &body); err != nil {
		t.Fatal(err)
	}
	if body.Event != "submit" || body.CaseID != c.ID || body.StateBefore != "draft" || body.StateAfter != "assessed" || body.SiteCode != "HOOK-1" {
		t.Errorf("body = %+v, want the submission of case %d (draft → assessed)", body, c.ID)
	}
	if string(recv.bodies[0]) != string(recv.bodies[1]) || string(recv.bodies[1]) != string(d.Body) {
		t.Errorf("the attempts posted different bodies: %s / %s (stored %s)", recv.bodies[0], recv.bodies[1], d.Body)
	}
}

// TestNotificationInTransaction: the deliveries and their jobs are written
// in the change's transaction: a change that fails after queueing them
// leaves neither, nor the change.
func TestNotificationInTransaction(t *testing.T) {
	f := newNotifyFixture(t)
	ctx := context.Background()
	hook := f.webhook(t, "452-04", "https://hooks.example.org/in")
	q := newQueue(t, f.pool, nil, jobs.Config{})
	f.cases.OnNotice(q.InsertDeliveriesTx)
	c := f.submitCase(t, "TX-1", orb.Point{siteLon, siteLat})
	if n := count(t, f.pool, "SELECT count(*) FROM river_job WHERE kind = $1", planning.JobKindWebhookDelivery); n != 1 {
		t.Fatalf("%d delivery jobs after the submission, want 1", n)
	}
	if ds := f.deliveries(t, hook.ID); len(ds) != 1 || ds[0].Status != planning.DeliveryPending {
		t.Fatalf("deliveries after the submission = %+v, want one pending", ds)
	}

	failing := data.NewCaseStore(f.db)
	failing.OnNotice(func(ctx context.Context, tx pgx.Tx, ids []int64) error {
		if err := q.InsertDeliveriesTx(ctx, tx, ids); err != nil {
			return err
		}
		return errors.New("the change fails after queueing")
	})
	cal, err := planning.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	review := planning.NewReview(planning.ReviewConfig{}, nil, failing, data.NewProposalStore(f.db), cal, nil)
	audit := count(t, f.pool, "SELECT count(*) FROM audit_event")
	if _, err := review.Act(ctx, reviewerP, c.ID, planning.EventStartReview, 0, "", planning.RequestMeta{}); err == nil {
		t.Fatal("start_review succeeded, want the hook's error")
	}
	if n := count(t, f.pool, "SELECT count(*) FROM river_job WHERE kind = $1", planning.JobKindWebhookDelivery); n != 1 {
		t.Errorf("%d delivery jobs after a rolled-back change, want still 1", n)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM webhook_delivery"); n != 1 {
		t.Errorf("%d deliveries after a rolled-back change, want still 1", n)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM audit_event"); n != audit {
		t.Errorf("%d audit rows after a rolled-back change, want %d", n, audit)
	}
	got, err := f.cases.Case(ctx, c.ID)
	if err != nil || got.State != planning.StateAssessed || got.Version != c.Version {
		t.Errorf("case after a rolled-back change = %s v%d, %v; want assessed v%d", got.State, got.Version, err, c.Version)
	}

	// The same change through the working store commits all three.
	if _, err := f.review.Act(ctx, reviewerP, c.ID, planning.EventStartReview, 0, "", planning.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM river_job WHERE kind = $1", planning.JobKindWebhookDelivery); n != 2 {
		t.Errorf("%d delivery jobs after start_review, want 2", n)
	}
	if ds := f.deliveries(t, hook.ID); len(ds) != 2 || ds[0].Event != planning.EventStartReview {
		t.Errorf("deliveries = %+v, want the start_review one newest", ds)
	}
}

// TestNotificationReachesConcerned: a change notifies the carrier, the
// lead authority, every authority a finding names and every authority
// whose area of interest holds the site; no one else, and a webhook that
// names events only those.
func TestNotificationReachesConcerned(t *testing.T) {
	f := newNotifyFixture(t)
	ctx := context.Background()
	q := newQueue(t, f.pool, nil, jobs.Config{})
	f.cases.OnNotice(q.InsertDeliveriesTx)
	inside := planning.Area{Org: "SXD", Name: "around the site", Geom: orb.MultiPolygon{{{{105.45, 21.45}, {105.55, 21.45},
		{105.55, 21.55}, {105.45, 21.55}, {105.45, 21.45}}}}}
	outside := planning.Area{Org: "BQLVQG", Name: "elsewhere in the province", Geom: orb.MultiPolygon{{{{105.25, 21.25}, {105.35, 21.25},
		{105.35, 21.35}, {105.25, 21.35}, {105.25, 21.25}}}}}
	for _, a := range []*planning.Area{&inside, &outside} {
		if err := f.hooks.CreateArea(ctx, a, "26", planning.AuditEntry{At: time.Now(), Actor: "test", Org: a.Org, Action: "area.create"}); err != nil {
			t.Fatalf("area of %s: %v", a.Org, err)
		}
	}
	hooks := map[string]planning.Webhook{}
	for _, org := range []string{"452-04", "452-01", "SNNMT", "SXD", "BQLVQG", "CAT", "EVN"} {
		hooks[org] = f.webhook(t, org, "https://hooks.example.org/"+org)
	}
	approvalsOnly := f.webhook(t, "452-04", "https://hooks.example.org/approvals", planning.EventApprove)

	f.submitCase(t, "AOI-1", orb.Point{siteLon, siteLat},
		planning.Finding{RuleID: "r1", Severity: planning.SeverityCondition, Authority: "CAT"},
		planning.Finding{RuleID: "r2", Severity: planning.SeverityInfo})
	want := map[string]int{"452-04": 1, "SNNMT": 1, "CAT": 1, "SXD": 1, "452-01": 0, "BQLVQG": 0, "EVN": 0}
	for org, n := range want {
		if got := len(f.deliveries(t, hooks[org].ID)); got != n {
			t.Errorf("%s: %d deliveries of a case at the site, want %d", org, got, n)
		}
	}
	if got := len(f.deliveries(t, approvalsOnly.ID)); got != 0 {
		t.Errorf("a webhook of approvals only got %d deliveries of a submission, want 0", got)
	}
	// A site outside SXD's area (inside BQLVQG's) reaches BQLVQG, not SXD.
	f.submitCase(t, "AOI-2", orb.Point{105.3, 21.3})
	want = map[string]int{"452-04": 2, "SNNMT": 2, "CAT": 1, "SXD": 1, "BQLVQG": 1, "452-01": 0, "EVN": 0}
	for org, n := range want {
		if got := len(f.deliveries(t, hooks[org].ID)); got != n {
			t.Errorf("after a case outside SXD's area, %s has %d deliveries, want %d", org, got, n)
		}
	}
	// A deleted area notifies no more.
	if err := f.hooks.DeleteArea(ctx, outside.ID, planning.AuditEntry{At: time.Now(), Actor: "test", Org: "BQLVQG", Action: "area.delete"}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f.pool, `SELECT count(*) FROM audit_event WHERE action = 'area.delete' AND (payload->>'area_id')::bigint = $1`, outside.ID); n != 1 {
		t.Errorf("%d audit rows of the area's deletion, want 1", n)
	}
	f.submitCase(t, "AOI-3", orb.Point{105.31, 21.31})
	if got := len(f.deliveries(t, hooks["BQLVQG"].ID)); got != 1 {
		t.Errorf("after its area was deleted, BQLVQG has %d deliveries, want still 1", got)
	}
}

// TestPrivateTargetRefused: without the allowance a worker refuses to
// post to a private address, whatever the stored URL: the delivery fails
// at once and the receiver never hears of it.
func TestPrivateTargetRefused(t *testing.T) {
	f := newNotifyFixture(t)
	ctx := context.Background()
	recv := &receiver{secret: "x"}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)
	// Stored directly: planning refuses this URL at registration.
	hook := f.webhook(t, "452-04", srv.URL+"/in")
	q := newQueue(t, f.pool, f.cov, jobs.Config{Workers: 1, Webhooks: f.hooks})
	f.cases.OnNotice(q.InsertDeliveriesTx)
	f.submitCase(t, "PRIV-1", orb.Point{siteLon, siteLat})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ds := f.waitDeliveries(t, hook.ID, 30*time.Second, "one finished", func(ds []planning.Delivery) bool {
		return len(ds) == 1 && ds[0].Status != planning.DeliveryPending
	})
	if ds[0].Status != planning.DeliveryFailed || len(ds[0].Attempts) != 1 || !strings.Contains(ds[0].Attempts[0].Error, "not a public address") {
		t.Errorf("delivery = %s with attempts %+v, want failed once: not a public address", ds[0].Status, ds[0].Attempts)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.bodies) != 0 {
		t.Errorf("the private receiver got %d posts, want none", len(recv.bodies))
	}
}

// TestExpiryJob: the periodic job expires an approval whose validity
// ended before the site was built, with its audit row and notification,
// and leaves a built one and one still valid.
func TestExpiryJob(t *testing.T) {
	f := newNotifyFixture(t)
	ctx := context.Background()
	hook := f.webhook(t, "452-04", "https://hooks.example.org/in", planning.EventExpire)
	yesterday := time.Now().In(planning.Vietnam()).AddDate(0, 0, -1)
	unbuilt := f.approve(t, f.submitCase(t, "EXP-1", orb.Point{siteLon, siteLat}), yesterday)
	built := f.approve(t, f.submitCase(t, "EXP-2", orb.Point{siteLon, siteLat}), yesterday)
	valid := f.approve(t, f.submitCase(t, "EXP-3", orb.Point{siteLon, siteLat}), time.Now().AddDate(1, 0, 0))
	if _, err := f.review.Act(ctx, carrierP, built.ID, planning.EventReportBuilt, 0, "", planning.RequestMeta{}); err != nil {
		t.Fatalf("report_built: %v", err)
	}
	q := newQueue(t, f.pool, f.cov, jobs.Config{Workers: 1, Expiry: planning.NewExpiry(f.review, f.hooks)})
	f.cases.OnNotice(q.InsertDeliveriesTx)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := f.cases.Case(ctx, unbuilt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.State == planning.StateExpired {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the unbuilt approval is %s after a minute, want expired", c.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for id, want := range map[int64]planning.CaseState{built.ID: planning.StateBuilt, valid.ID: planning.StateApproved} {
		if c, err := f.cases.Case(ctx, id); err != nil || c.State != want {
			t.Errorf("case %d = %s, %v; want %s", id, c.State, err, want)
		}
	}
	if n := count(t, f.pool, `SELECT count(*) FROM audit_event WHERE case_id = $1 AND action = 'case.expire'
		AND actor = 'system' AND state_before = 'approved' AND state_after = 'expired'`, unbuilt.ID); n != 1 {
		t.Errorf("%d audit rows of the expiry, want 1", n)
	}
	if ds := f.deliveries(t, hook.ID); len(ds) != 1 || ds[0].Event != planning.EventExpire || ds[0].CaseID != unbuilt.ID {
		t.Errorf("deliveries = %+v, want the expiry of case %d", ds, unbuilt.ID)
	}
	// An expired case must be reviewed again.
	if _, err := f.review.Act(ctx, reviewerP, unbuilt.ID, planning.EventStartReview, 0, "", planning.RequestMeta{}); err != nil {
		t.Errorf("start_review of the expired case: %v", err)
	}
}

// TestWebhookInvalidStatus: a receiver answering a status outside
// 100..599 (Go reads any three digits) is a failed attempt, recorded with
// the status named in its error, and the delivery fails for good after
// its last attempt instead of staying pending.
func TestWebhookInvalidStatus(t *testing.T) {
	f := newNotifyFixture(t)
	ctx := context.Background()
	recv := &receiver{answers: []int{999}, secret: "secret-of-452-04-0123456789"}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)
	hook := f.webhook(t, "452-04", srv.URL+"/btsplan")
	q := newQueue(t, f.pool, f.cov, jobs.Config{Workers: 1, MaxAttempts: 1, Webhooks: f.hooks, WebhookAllowPrivate: true})
	f.cases.OnNotice(q.InsertDeliveriesTx)
	f.submitCase(t, "ODD-1", orb.Point{siteLon, siteLat})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ds := f.waitDeliveries(t, hook.ID, 30*time.Second, "one finished", func(ds []planning.Delivery) bool {
		return len(ds) == 1 && ds[0].Status != planning.DeliveryPending
	})
	if ds[0].Status != planning.DeliveryFailed || len(ds[0].Attempts) != 1 || ds[0].Attempts[0].StatusCode != 0 ||
		!strings.Contains(ds[0].Attempts[0].Error, "invalid status 999") {
		t.Errorf("delivery = %s with attempts %+v, want failed once: invalid status 999", ds[0].Status, ds[0].Attempts)
	}
}
