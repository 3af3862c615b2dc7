package planning_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"btsplan/planning"
	"btsplan/planning/planningtest"
)

var (
	docCarrier  = planning.Principal{UserID: 2, Name: "lan", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}}
	docOther    = planning.Principal{UserID: 3, Name: "hoa", Org: "452-01", Roles: []planning.Role{planning.RoleCarrier}}
	docReviewer = planning.Principal{UserID: 4, Name: "minh", Org: "SNNMT", Province: "25", Roles: []planning.Role{planning.RoleReviewer}}
	docSigner   = planning.Principal{UserID: 6, Name: "an", Org: "SXD", Province: "25", Roles: []planning.Role{planning.RoleReviewer}}
	docAnalyst  = planning.Principal{UserID: 5, Name: "tu", Org: "SNNMT", Roles: []planning.Role{planning.RoleAnalyst}}
	docFar      = planning.Principal{UserID: 7, Name: "far", Org: "SNNMT", Province: "01", Roles: []planning.Role{planning.RoleReviewer}}
)

// TestCanSeeDocuments: a case's papers are its carrier's and its
// province's reviewers', never another carrier's or an analyst's, even
// once the decision is public.
func TestCanSeeDocuments(t *testing.T) {
	for _, state := range []planning.CaseState{planning.StateUnderReview, planning.StateApprovedCond} {
		c := planning.Case{ID: 1, Carrier: "452-04", Province: "25", State: state}
		for _, tt := range []struct {
			p    planning.Principal
			want bool
		}{{docCarrier, true}, {docReviewer, true}, {docSigner, true}, {docOther, false}, {docAnalyst, false}, {docFar, false}} {
			if got := planning.CanSeeDocuments(tt.p, c); got != tt.want {
				t.Errorf("CanSeeDocuments(%s, %s case) = %v, want %v", tt.p.Name, state, got, tt.want)
			}
			if state.Decided() && !planning.CanSee(tt.p, c) && tt.p.Name != "far" {
				t.Errorf("CanSee(%s, decided case) = false: a decision is public", tt.p.Name)
			}
		}
	}
}

// docFixture is Documents over fakes: case 1 of carrier 452-04 in
// province 25, approved with two conditions set by SNNMT.
func docFixture(state planning.CaseState) (*planning.Documents, *planningtest.DocumentStore, *[]*planning.CaseChange) {
	var changes []*planning.CaseChange
	cases := &planningtest.CaseStore{
		CaseFunc: func(_ context.Context, id int64) (planning.Case, error) {
			if id != 1 {
				return planning.Case{}, planning.Errorf(planning.NotFound, "no case")
			}
			return planning.Case{ID: 1, Carrier: "452-04", Province: "25", State: state, Version: 5, ProposalID: 10}, nil
		},
		DecisionsFunc: func(context.Context, int64) ([]planning.Decision, error) {
			return []planning.Decision{{ID: 1, Authority: "SNNMT", Outcome: planning.StateApprovedCond, Conditions: []planning.Condition{
				{ID: 11, Type: planning.CondMaxHeight, Status: planning.ConditionOpen},
				{ID: 12, Type: planning.CondCamouflage, Status: planning.ConditionMet},
			}}}, nil
		},
		ChangeFunc: func(_ context.Context, ch *planning.CaseChange) error { changes = append(changes, ch); return nil },
	}
	docs := &planningtest.DocumentStore{
		AddCommentFunc: func(_ context.Context, c *planning.Comment) error { c.ID = 1; return nil },
		CommentsFunc: func(_ context.Context, _ int64, internal bool) ([]planning.Comment, error) {
			if internal {
				return []planning.Comment{{ID: 1}, {ID: 2, Visibility: planning.VisibilityInternal}}, nil
			}
			return []planning.Comment{{ID: 1}}, nil
		},
		AddAttachmentFunc: func(_ context.Context, a *planning.Attachment) (bool, error) { a.ID = 3; return false, nil },
		AttachmentFunc: func(_ context.Context, caseID, id int64, _ bool) (planning.Attachment, error) {
			if caseID != 1 || id != 3 {
				return planning.Attachment{}, planning.Errorf(planning.NotFound, "no attachment")
			}
			return planning.Attachment{ID: 3, CaseID: 1}, nil
		},
	}
	r := planning.NewReview(planning.ReviewConfig{}, nil, cases, nil, nil, func() time.Time { return testNow })
	return planning.NewDocuments(r, docs), docs, &changes
}

func TestAddComment(t *testing.T) {
	tests := []struct {
		name string
		p    planning.Principal
		text string
		vis  planning.CommentVisibility
		kind planning.Kind // Internal (the zero Kind) for success
		ok   bool
	}{
		{"carrier", docCarrier, "Xin chào", "", 0, true},
		{"reviewer internal", docReviewer, "check the forest", planning.VisibilityInternal, 0, true},
		{"carrier internal", docCarrier, "x", planning.VisibilityInternal, planning.Forbidden, false},
		{"analyst", docAnalyst, "x", "", planning.NotFound, false},
		{"other carrier", docOther, "x", "", planning.NotFound, false},
		{"empty", docCarrier, "  ", "", planning.Invalid, false},
		{"control character", docCarrier, "a\x07b", "", planning.Invalid, false},
		{"unknown visibility", docCarrier, "x", "public", planning.Invalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, store, _ := docFixture(planning.StateUnderReview)
			c, err := d.AddComment(context.Background(), tt.p, 1, tt.text, tt.vis, planning.RequestMeta{RequestID: "r"})
			if tt.ok {
				if err != nil || c.ID != 1 || len(store.Audit) != 1 || store.Audit[0].Action != "case.comment" || store.Audit[0].RequestID != "r" {
					t.Errorf("AddComment = %+v, %v, audit %+v", c, err, store.Audit)
				}
				return
			}
			if planning.KindOf(err) != tt.kind || len(store.Audit) != 0 {
				t.Errorf("AddComment error = %v (kind %v), audit %d; want %v, nothing stored", err, planning.KindOf(err), len(store.Audit), tt.kind)
			}
		})
	}
	d, _, _ := docFixture(planning.StateUnderReview)
	for p, want := range map[*planning.Principal]int{&docCarrier: 1, &docReviewer: 2} {
		if cs, err := d.Comments(context.Background(), *p, 1); err != nil || len(cs) != want {
			t.Errorf("Comments as %s = %d, %v; want %d", p.Name, len(cs), err, want)
		}
	}
}

func TestAttach(t *testing.T) {
	body := []byte("%PDF-1.4")
	sum := sha256.Sum256(body)
	wrong := sha256.Sum256([]byte("other"))
	tests := []struct {
		name  string
		p     planning.Principal
		in    planning.AttachmentInput
		kind  planning.Kind
		field string
	}{
		{"ok with checksum", docCarrier, planning.AttachmentInput{Filename: "a.pdf", ContentType: "application/pdf", Body: body, WantSHA256: &sum}, 0, ""},
		{"checksum mismatch", docCarrier, planning.AttachmentInput{Filename: "a.pdf", ContentType: "application/pdf", Body: body, WantSHA256: &wrong}, planning.Invalid, "X-Checksum-Sha256"},
		{"path", docCarrier, planning.AttachmentInput{Filename: "a/b.pdf", ContentType: "application/pdf", Body: body}, planning.Invalid, "filename"},
		{"type", docCarrier, planning.AttachmentInput{Filename: "a.gif", ContentType: "image/gif", Body: body}, planning.Invalid, "Content-Type"},
		{"other carrier", docOther, planning.AttachmentInput{Filename: "a.pdf", ContentType: "application/pdf", Body: body}, planning.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, store, _ := docFixture(planning.StateUnderReview)
			a, _, err := d.Attach(context.Background(), tt.p, 1, tt.in, planning.RequestMeta{})
			if tt.kind == 0 {
				if err != nil || a.ID != 3 || a.SHA256 != sum || a.Body != nil || len(store.Audit) != 1 || store.Audit[0].Details["sha256"] != a.SHA256Hex() {
					t.Errorf("Attach = %+v, %v; audit %+v", a, err, store.Audit)
				}
				return
			}
			if planning.KindOf(err) != tt.kind || planning.FieldOf(err) != tt.field || len(store.Audit) != 0 {
				t.Errorf("Attach error = %v (field %q); want %v naming %q, nothing stored", err, planning.FieldOf(err), tt.kind, tt.field)
			}
		})
	}
}

func TestSetCondition(t *testing.T) {
	met := planning.ConditionInput{Status: planning.ConditionMet, Note: "measured"}
	evidence := planning.ConditionInput{Status: planning.ConditionOpen, EvidenceID: 3, Note: "survey"}
	tests := []struct {
		name    string
		state   planning.CaseState
		p       planning.Principal
		cond    int64
		version int
		in      planning.ConditionInput
		kind    planning.Kind
		action  string
	}{
		{"reviewer marks met", planning.StateApprovedCond, docReviewer, 11, 5, met, 0, "case.condition.met"},
		{"carrier reports evidence", planning.StateApprovedCond, docCarrier, 11, 5, evidence, 0, "case.condition.evidence"},
		{"carrier marks met", planning.StateApprovedCond, docCarrier, 11, 5, met, planning.Forbidden, ""},
		{"another authority's reviewer", planning.StateApprovedCond, docSigner, 11, 5, met, planning.Forbidden, ""},
		{"stale", planning.StateApprovedCond, docReviewer, 11, 4, met, planning.Stale, ""},
		{"no version", planning.StateApprovedCond, docReviewer, 11, 0, met, planning.Invalid, ""},
		{"settled", planning.StateApprovedCond, docReviewer, 12, 5, met, planning.WrongState, ""},
		{"expired case", planning.StateExpired, docReviewer, 11, 5, met, planning.WrongState, ""},
		{"no such condition", planning.StateApprovedCond, docReviewer, 99, 5, met, planning.NotFound, ""},
		{"evidence of another case", planning.StateApprovedCond, docCarrier, 11, 5, planning.ConditionInput{Status: planning.ConditionOpen, EvidenceID: 4}, planning.Invalid, ""},
		{"other carrier", planning.StateApprovedCond, docOther, 11, 5, evidence, planning.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _, changes := docFixture(tt.state)
			_, c, err := d.SetCondition(context.Background(), tt.p, 1, tt.cond, tt.version, tt.in, planning.RequestMeta{})
			if tt.kind != 0 {
				if planning.KindOf(err) != tt.kind || len(*changes) != 0 {
					t.Errorf("SetCondition error = %v (kind %v); want %v, nothing changed", err, planning.KindOf(err), tt.kind)
				}
				return
			}
			if err != nil || len(*changes) != 1 {
				t.Fatalf("SetCondition = %v, %d changes", err, len(*changes))
			}
			ch := (*changes)[0]
			if ch.WantVersion != 5 || ch.Condition.ID != tt.cond || len(ch.Audit) != 1 || ch.Audit[0].Action != tt.action {
				t.Errorf("change = %+v, audit %+v", ch, ch.Audit)
			}
			if tt.in.Status == planning.ConditionOpen {
				if c.Status != planning.ConditionOpen || c.EvidenceID != 3 || c.EvidenceNote != "survey" || c.ChangedBy != 0 {
					t.Errorf("evidence report = %+v: want still open, with the evidence", c)
				}
			} else if c.Status != planning.ConditionMet || c.StatusNote != "measured" || c.ChangedBy != tt.p.UserID || !c.ChangedAt.Equal(testNow) {
				t.Errorf("marked = %+v", c)
			}
		})
	}
}
