package planning_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// TestNotices: every change of a case's state carries the notice the
// store queues with it, naming the carrier and the lead authority; a
// change that keeps the state (a signature) carries none.
func TestNotices(t *testing.T) {
	ctx := context.Background()
	t.Run("submission", func(t *testing.T) {
		f := newReviewFixture(t, planning.StateDraft)
		f.c.ID = 0
		if _, err := f.review.Submit(ctx, carrierP, validSite(), planning.RequestMeta{}); err != nil {
			t.Fatal(err)
		}
		n := f.subs[0].Notice
		if n == nil || n.Event != planning.EventSubmit || n.From != planning.StateDraft || n.To != planning.StateAssessed ||
			!slices.Equal(n.Orgs, []string{carrierVT, "SNNMT"}) || !n.At.Equal(testNow) {
			t.Errorf("notice = %+v, want submit draft → assessed to %s and SNNMT", n, carrierVT)
		}
	})
	tests := []struct {
		name  string
		state planning.CaseState
		p     planning.Principal
		event planning.CaseEvent
		to    planning.CaseState
	}{
		{"start review", planning.StateAssessed, leadP, planning.EventStartReview, planning.StateUnderReview},
		{"withdraw", planning.StateUnderReview, carrierP, planning.EventWithdraw, planning.StateWithdrawn},
		{"report built", planning.StateApprovedCond, carrierP, planning.EventReportBuilt, planning.StateBuilt},
		{"expire", planning.StateApproved, planning.SystemPrincipal(), planning.EventExpire, planning.StateExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReviewFixture(t, tt.state)
			if _, err := f.review.Act(ctx, tt.p, f.c.ID, tt.event, 0, "", planning.RequestMeta{}); err != nil {
				t.Fatal(err)
			}
			n := f.changes[0].Notice
			if n == nil || n.Event != tt.event || n.From != tt.state || n.To != tt.to || !slices.Equal(n.Orgs, []string{carrierVT, "SNNMT"}) {
				t.Errorf("notice = %+v, want %s %s → %s", n, tt.event, tt.state, tt.to)
			}
		})
	}
	t.Run("signature", func(t *testing.T) {
		f := newReviewFixture(t, planning.StateUnderReview)
		f.req = []string{"SXD"}
		if _, _, err := f.review.Sign(ctx, sxdP, f.c.ID, 0, true, "", planning.RequestMeta{}); err != nil {
			t.Fatal(err)
		}
		if n := f.changes[0].Notice; n != nil {
			t.Errorf("a signature's notice = %+v, want none (the state stays)", n)
		}
	})
	t.Run("only a carrier reports a site built", func(t *testing.T) {
		f := newReviewFixture(t, planning.StateApproved)
		if _, err := f.review.Act(ctx, leadP, f.c.ID, planning.EventReportBuilt, 0, "", planning.RequestMeta{}); planning.KindOf(err) != planning.Forbidden {
			t.Errorf("a reviewer's report_built = %v, want Forbidden", err)
		}
	})
}

type expiryStore func(ctx context.Context, today time.Time) ([]int64, error)

func (f expiryStore) ExpiredApprovals(ctx context.Context, today time.Time) ([]int64, error) {
	return f(ctx, today)
}

// TestExpiryRun: the expiry asks for the approvals that ended before
// today in Vietnam, expires each as the system, and skips one changed
// meanwhile (built) or gone.
func TestExpiryRun(t *testing.T) {
	f := newReviewFixture(t, planning.StateApproved)
	var asked time.Time
	e := planning.NewExpiry(f.review, expiryStore(func(_ context.Context, today time.Time) ([]int64, error) {
		asked = today
		return []int64{f.c.ID, 99}, nil
	}))
	done, err := e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done, []int64{f.c.ID}) {
		t.Errorf("expired %v, want [%d] (99 does not exist)", done, f.c.ID)
	}
	if want := time.Date(2026, 11, 23, 0, 0, 0, 0, planning.Vietnam()); !asked.Equal(want) {
		t.Errorf("asked for approvals ended before %v, want %v", asked, want)
	}
	if len(f.changes) != 1 || f.changes[0].Case.State != planning.StateExpired || f.changes[0].Audit[0].Actor != "system" {
		t.Fatalf("changes = %+v, want one expiry by the system", f.changes)
	}
	f.c.State = planning.StateBuilt // reported built since the list was read
	if done, err := e.Run(context.Background()); err != nil || len(done) != 0 {
		t.Errorf("Run on a built case = %v, %v; want nothing expired", done, err)
	}
}

// webhookStore is an in-memory planning.WebhookStore.
type webhookStore struct {
	hooks    []planning.Webhook
	areas    []planning.Area
	province string // the province CreateArea was given
	audit    []planning.AuditEntry
}

func (s *webhookStore) CreateWebhook(_ context.Context, w *planning.Webhook, a planning.AuditEntry) error {
	w.ID = int64(len(s.hooks) + 1)
	s.hooks = append(s.hooks, *w)
	s.audit = append(s.audit, a)
	return nil
}

func (s *webhookStore) Webhooks(_ context.Context, org string) ([]planning.Webhook, error) {
	var out []planning.Webhook
	for _, w := range s.hooks {
		if org == "" || w.Org == org {
			out = append(out, w)
		}
	}
	return out, nil
}

func (s *webhookStore) Webhook(_ context.Context, id int64) (planning.Webhook, error) {
	for _, w := range s.hooks {
		if w.ID == id {
			return w, nil
		}
	}
	return planning.Webhook{}, planning.Errorf(planning.NotFound, "no webhook")
}

func (s *webhookStore) DeleteWebhook(_ context.Context, id int64, a planning.AuditEntry) error {
	s.hooks = slices.DeleteFunc(s.hooks, func(w planning.Webhook) bool { return w.ID == id })
	s.audit = append(s.audit, a)
	return nil
}

func (s *webhookStore) Deliveries(context.Context, int64, int, int) ([]planning.Delivery, error) {
	return nil, nil
}

func (s *webhookStore) CreateArea(_ context.Context, a *planning.Area, province string, e planning.AuditEntry) error {
	a.ID, s.province = int64(len(s.areas)+1), province
	s.areas = append(s.areas, *a)
	s.audit = append(s.audit, e)
	return nil
}

func (s *webhookStore) Areas(context.Context, string) ([]planning.Area, error) { return s.areas, nil }

func (s *webhookStore) Area(_ context.Context, id int64) (planning.Area, error) {
	for _, a := range s.areas {
		if a.ID == id {
			return a, nil
		}
	}
	return planning.Area{}, planning.Errorf(planning.NotFound, "no area")
}

func (s *webhookStore) DeleteArea(_ context.Context, _ int64, e planning.AuditEntry) error {
	s.audit = append(s.audit, e)
	return nil
}

// TestWebhookRights: an organization's carriers, reviewers and admins
// manage its webhooks; another organization's is NotFound; an admin
// manages every one; an analyst none.
func TestWebhookRights(t *testing.T) {
	ctx := context.Background()
	st := &webhookStore{}
	n := planning.NewNotifications(planning.NotifyConfig{}, st, nil)
	adminP := planning.Principal{UserID: 9, Name: "root", Org: "SNNMT", OrgKind: "authority", Roles: []planning.Role{planning.RoleAdmin}}
	w, err := n.RegisterWebhook(ctx, carrierP, planning.WebhookInput{URL: "https://hooks.example.org/in",
		Events: []planning.CaseEvent{planning.EventApprove, planning.EventApprove}}, planning.RequestMeta{RequestID: "req-7"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Org != carrierVT || len(w.Secret) != 64 || len(w.Events) != 1 || w.CreatedBy != carrierP.UserID {
		t.Errorf("webhook = %+v, want %s's, a random secret, the event once", w, carrierVT)
	}
	if _, err := n.RegisterWebhook(ctx, analystP, planning.WebhookInput{URL: "https://hooks.example.org/in"}, planning.RequestMeta{}); planning.KindOf(err) != planning.Forbidden {
		t.Errorf("analyst's registration = %v, want Forbidden", err)
	}
	if err := n.DeleteWebhook(ctx, otherP, w.ID, planning.RequestMeta{}); planning.KindOf(err) != planning.NotFound {
		t.Errorf("another carrier's delete = %v, want NotFound", err)
	}
	if _, err := n.Deliveries(ctx, leadP, w.ID, 0, 0); planning.KindOf(err) != planning.NotFound {
		t.Errorf("a reviewer reads a carrier's deliveries: %v, want NotFound", err)
	}
	if ws, err := n.Webhooks(ctx, otherP); err != nil || len(ws) != 0 {
		t.Errorf("another carrier lists %v, %v; want none", ws, err)
	}
	if ws, err := n.Webhooks(ctx, adminP); err != nil || len(ws) != 1 {
		t.Errorf("the admin lists %v, %v; want every webhook", ws, err)
	}
	if err := n.DeleteWebhook(ctx, adminP, w.ID, planning.RequestMeta{RequestID: "req-8"}); err != nil {
		t.Errorf("the admin's delete: %v", err)
	}
	// Only the two changes are audited: who, what, the request.
	if len(st.audit) != 2 || st.audit[0].Action != "webhook.create" || st.audit[0].UserID != carrierP.UserID ||
		st.audit[0].RequestID != "req-7" || st.audit[0].Details["url"] != "https://hooks.example.org/in" ||
		st.audit[1].Action != "webhook.delete" || st.audit[1].Actor != "root" || st.audit[1].Details["organization"] != carrierVT {
		t.Errorf("audit = %+v, want the creation by the carrier and the deletion by the admin", st.audit)
	}
}

// TestAreaRights: only an authority's reviewers and admins register
// areas, a reviewer's within its province; the geometry is checked first.
func TestAreaRights(t *testing.T) {
	ctx := context.Background()
	st := &webhookStore{}
	n := planning.NewNotifications(planning.NotifyConfig{}, st, nil)
	square := orb.MultiPolygon{{{{105.5, 21.3}, {105.7, 21.3}, {105.7, 21.5}, {105.5, 21.5}, {105.5, 21.3}}}}
	if _, err := n.RegisterArea(ctx, carrierP, "x", square, planning.RequestMeta{}); planning.KindOf(err) != planning.Forbidden {
		t.Errorf("a carrier's area = %v, want Forbidden", err)
	}
	if _, err := n.RegisterArea(ctx, analystP, "x", square, planning.RequestMeta{}); planning.KindOf(err) != planning.Forbidden {
		t.Errorf("an analyst's area = %v, want Forbidden", err)
	}
	a, err := n.RegisterArea(ctx, sxdP, "QL3", square, planning.RequestMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Org != "SXD" || st.province != province {
		t.Errorf("area of %s checked in province %q, want SXD's in %q", a.Org, st.province, province)
	}
	swapped := orb.MultiPolygon{{{{21.3, 105.5}, {21.3, 105.7}, {21.5, 105.7}, {21.3, 105.5}}}}
	if _, err := n.RegisterArea(ctx, sxdP, "x", swapped, planning.RequestMeta{}); planning.FieldOf(err) != "/geometry/coordinates/0/0/0" {
		t.Errorf("swapped area = %v, want an error naming /geometry/coordinates/0/0/0", err)
	}
	if err := n.DeleteArea(ctx, leadP, a.ID, planning.RequestMeta{}); planning.KindOf(err) != planning.NotFound {
		t.Errorf("another authority's delete = %v, want NotFound", err)
	}
}

// TestWebhookSecretWhiteSpace: a secret that begins or ends with white
// space (sixteen spaces among them) is refused naming /secret; one with
// a space inside is kept as given.
func TestWebhookSecretWhiteSpace(t *testing.T) {
	ctx := context.Background()
	n := planning.NewNotifications(planning.NotifyConfig{}, &webhookStore{}, nil)
	for _, secret := range []string{strings.Repeat(" ", 16), " 0123456789abcdef", "0123456789abcdef\u00a0", "\u30000123456789abcdef"} {
		_, err := n.RegisterWebhook(ctx, carrierP, planning.WebhookInput{URL: "https://hooks.example.org/in", Secret: secret}, planning.RequestMeta{})
		if planning.KindOf(err) != planning.Invalid || !strings.Contains(err.Error(), "/secret") || !strings.Contains(err.Error(), "white space") {
			t.Errorf("secret %q: %v, want Invalid naming /secret: white space", secret, err)
		}
	}
	w, err := n.RegisterWebhook(ctx, carrierP, planning.WebhookInput{URL: "https://hooks.example.org/in", Secret: "0123456789 abcdef"}, planning.RequestMeta{})
	if err != nil || w.Secret != "0123456789 abcdef" {
		t.Errorf("a secret with an inner space: %+v, %v; want it kept", w, err)
	}
}
