package data_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"btsplan/data"
	"btsplan/planning"
)

// TestDocumentStore stores comments and attachments with their audit rows,
// filters internal comments, returns the first of two equal uploads, and
// tracks a condition's status and evidence through CaseStore.Change.
func TestDocumentStore(t *testing.T) {
	f := newCaseFixture(t)
	docs := data.NewDocumentStore(f.db)
	ctx := context.Background()
	audit := func(action string) planning.AuditEntry {
		return planning.AuditEntry{At: caseNow, UserID: f.reviewer.ID, Actor: "minh", Org: "SNNMT", Action: action,
			CaseID: f.c.ID, StateBefore: f.c.State, StateAfter: f.c.State}
	}

	for _, v := range []planning.CommentVisibility{planning.VisibilityCase, planning.VisibilityInternal} {
		c := &planning.Comment{CaseID: f.c.ID, ProposalID: f.c.ProposalID, UserID: f.reviewer.ID, Org: "SNNMT",
			Visibility: v, Text: "note " + string(v), Created: caseNow}
		if err := docs.AddComment(ctx, c, audit("case.comment")); err != nil || c.ID == 0 {
			t.Fatalf("AddComment(%s) = %v, id %d", v, err, c.ID)
		}
	}
	for internal, want := range map[bool]int{false: 1, true: 2} {
		cs, err := docs.Comments(ctx, f.c.ID, internal)
		if err != nil || len(cs) != want || cs[0].Author != "minh" || cs[0].Text != "note case" {
			t.Errorf("Comments(internal %v) = %+v, %v; want %d, the case one first, by minh", internal, cs, err, want)
		}
	}

	body := []byte("%PDF-1.4\n%%EOF\n")
	att := func(name string) *planning.Attachment {
		return &planning.Attachment{CaseID: f.c.ID, ProposalID: f.c.ProposalID, UserID: f.reviewer.ID, Org: "SNNMT",
			Filename: name, ContentType: "application/pdf", SizeBytes: int64(len(body)), SHA256: sha256.Sum256(body),
			Body: body, Created: caseNow}
	}
	first := att("a.pdf")
	if existing, err := docs.AddAttachment(ctx, first, audit("case.attach")); err != nil || existing || first.ID == 0 {
		t.Fatalf("AddAttachment = %v, existing %v, id %d", err, existing, first.ID)
	}
	again := att("b.pdf")
	if existing, err := docs.AddAttachment(ctx, again, audit("case.attach")); err != nil || !existing ||
		again.ID != first.ID || again.Filename != "a.pdf" || again.Uploader != "minh" || again.SHA256 != first.SHA256 {
		t.Errorf("AddAttachment(same bytes) = %+v, existing %v, %v; want the first", again, existing, err)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM audit_event WHERE action = 'case.attach'"); n != 1 {
		t.Errorf("%d case.attach rows, want 1 (the duplicate stores nothing)", n)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM audit_event WHERE action = 'case.comment' AND payload ? 'comment_id'"); n != 2 {
		t.Errorf("%d case.comment rows naming their comment, want 2", n)
	}
	meta, err := docs.Attachment(ctx, f.c.ID, first.ID, false)
	if err != nil || meta.Body != nil || meta.SizeBytes != int64(len(body)) {
		t.Errorf("Attachment(no body) = %+v, %v", meta, err)
	}
	full, err := docs.Attachment(ctx, f.c.ID, first.ID, true)
	if err != nil || string(full.Body) != string(body) {
		t.Errorf("Attachment(body) = %q, %v", full.Body, err)
	}
	if _, err := docs.Attachment(ctx, f.c.ID+1, first.ID, true); planning.KindOf(err) != planning.NotFound {
		t.Errorf("Attachment of another case: %v, want NotFound", err)
	}
	if list, err := docs.Attachments(ctx, f.c.ID); err != nil || len(list) != 1 || list[0].Body != nil {
		t.Errorf("Attachments = %+v, %v", list, err)
	}
	for _, sql := range []string{"UPDATE case_attachment SET filename = 'x.pdf'", "DELETE FROM case_attachment", "TRUNCATE case_attachment CASCADE"} {
		if _, err := f.pool.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want it refused as append-only", sql, err)
		}
	}

	// A condition marked met with the attachment as evidence.
	if err := f.cases.Change(ctx, f.decision(f.c.Version)); err != nil {
		t.Fatal(err)
	}
	ds, err := f.cases.Decisions(ctx, f.c.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("Decisions = %v, %v", ds, err)
	}
	cur, err := f.cases.Case(ctx, f.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	cond := ds[0].Conditions[0]
	cond.Status, cond.ChangedBy, cond.ChangedAt, cond.StatusNote = planning.ConditionMet, f.reviewer.ID, caseNow, "measured"
	cond.EvidenceID, cond.EvidenceNote = first.ID, "survey"
	ch := &planning.CaseChange{Case: &cur, WantVersion: cur.Version, Condition: &cond,
		Audit: []planning.AuditEntry{audit("case.condition.met")}}
	if err := f.cases.Change(ctx, ch); err != nil {
		t.Fatal(err)
	}
	ds, _ = f.cases.Decisions(ctx, f.c.ID)
	got := ds[0].Conditions[0]
	if got.Status != planning.ConditionMet || got.StatusNote != "measured" || got.EvidenceID != first.ID ||
		got.EvidenceNote != "survey" || got.ChangedBy != f.reviewer.ID || !got.ChangedAt.Equal(caseNow) {
		t.Errorf("condition after Change = %+v", got)
	}
	// The same change on the old version is stale and changes nothing.
	cond.Status = planning.ConditionWaived
	ch = &planning.CaseChange{Case: &cur, WantVersion: cur.Version - 1, Condition: &cond,
		Audit: []planning.AuditEntry{audit("case.condition.waived")}}
	if err := f.cases.Change(ctx, ch); planning.KindOf(err) != planning.Stale {
		t.Errorf("stale condition change: %v, want Stale", err)
	}
	if n := count(t, f.pool, "SELECT count(*) FROM decision_condition WHERE status = 'waived'"); n != 0 {
		t.Errorf("a stale change was stored")
	}
}
