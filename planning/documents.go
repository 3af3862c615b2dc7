package planning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A case's documents: its comments, its attachments and the tracking of
// its decision's conditions. Who may see them is narrower than who may
// see the case: a decision is public (CanSee), its case's papers are not.

// CommentVisibility says who may read a comment.
type CommentVisibility string

// The visibilities of a comment.
const (
	// VisibilityCase: the carrier of the case and the reviewers.
	VisibilityCase CommentVisibility = "case"
	// VisibilityInternal: reviewers (and admins) only; never a carrier.
	VisibilityInternal CommentVisibility = "internal"
)

// Limits of a case's documents.
const (
	// MaxCommentChars bounds a comment's text (the column's CHECK too).
	MaxCommentChars = MaxTextChars
	// MaxFilenameChars bounds an attachment's file name.
	MaxFilenameChars = MaxNameChars
	// DefaultMaxAttachmentBytes is the default size limit of one
	// attachment: a scanned consent letter of a few pages, or photos.
	DefaultMaxAttachmentBytes = 20 << 20
)

// AttachmentTypes are the media types an attachment may have.
var AttachmentTypes = []string{"application/pdf", "image/png", "image/jpeg"}

// Comment is one comment on a case.
type Comment struct {
	ID         int64
	CaseID     int64
	ProposalID int64 // the revision current when it was written
	UserID     int64
	Author     string
	Org        string
	Visibility CommentVisibility
	Text       string
	Created    time.Time
}

// Attachment is one file of a case. Body is filled in only by a download.
type Attachment struct {
	ID          int64
	CaseID      int64
	ProposalID  int64
	UserID      int64
	Uploader    string
	Org         string
	Filename    string
	ContentType string // one of AttachmentTypes
	SizeBytes   int64
	SHA256      [32]byte
	Body        []byte
	Created     time.Time
}

// SHA256Hex is the attachment's SHA-256 in lower-case hex.
func (a Attachment) SHA256Hex() string { return hex.EncodeToString(a.SHA256[:]) }

// DocumentStore stores a case's comments and attachments, each with its
// audit row in one transaction.
type DocumentStore interface {
	// AddComment stores c and audit, filling in c.ID and c.Created.
	AddComment(ctx context.Context, c *Comment, audit AuditEntry) error
	// Comments returns the comments of a case, oldest first; internal ones
	// only when internal is true.
	Comments(ctx context.Context, caseID int64, internal bool) ([]Comment, error)
	// AddAttachment stores a and audit, filling in a.ID and a.Created. When
	// the case has an attachment with the same SHA-256 already, it stores
	// nothing, fills a with the stored one (without its body) and returns
	// true.
	AddAttachment(ctx context.Context, a *Attachment, audit AuditEntry) (existing bool, err error)
	// Attachments returns a case's attachments without their bodies, oldest first.
	Attachments(ctx context.Context, caseID int64) ([]Attachment, error)
	// Attachment returns attachment id of case caseID, with its body when
	// withBody, or NotFound.
	Attachment(ctx context.Context, caseID, id int64, withBody bool) (Attachment, error)
}

// Documents serves a case's comments, attachments and conditions. It is
// safe for concurrent use.
type Documents struct {
	review *Review
	store  DocumentStore
}

// NewDocuments returns the documents of the cases that r reviews.
func NewDocuments(r *Review, store DocumentStore) *Documents {
	return &Documents{review: r, store: store}
}

// CanSeeDocuments reports whether p may read the comments and attachments
// of case c: its own carrier, the reviewers of its province, admins. Not
// another carrier, nor an analyst, even once the decision is public.
func CanSeeDocuments(p Principal, c Case) bool {
	switch {
	case p.Has(RoleAdmin) || p.Has(RoleSystem):
		return true
	case p.Has(RoleCarrier) && c.Carrier == p.Org:
		return true
	case p.Has(RoleReviewer) && (p.Province == "" || p.Province == c.Province):
		return true
	}
	return false
}

// caseFor returns case id if p may see its documents, else NotFound (the
// words of a case that does not exist).
func (d *Documents) caseFor(ctx context.Context, p Principal, id int64, op string) (Case, error) {
	c, err := d.review.visible(ctx, p, id, op)
	if err != nil {
		return Case{}, err
	}
	if !CanSeeDocuments(p, c) {
		return Case{}, notFound(op, id)
	}
	return c, nil
}

// mayWrite reports whether p takes part in case c: its carrier or a
// reviewer (who sees it, as caseFor checked).
func mayWrite(p Principal, c Case) bool {
	return (p.Has(RoleCarrier) && c.Carrier == p.Org) || p.Has(RoleReviewer)
}

func (d *Documents) audit(p Principal, c Case, action string, now time.Time, m RequestMeta, details map[string]string) AuditEntry {
	return AuditEntry{At: now, UserID: p.UserID, Actor: p.Actor(), Org: p.Org, Action: action, CaseID: c.ID,
		ProposalID: c.ProposalID, StateBefore: c.State, StateAfter: c.State, RequestID: m.RequestID, Details: details}
}

// AddComment stores a comment on case caseID by p. The carrier of the
// case and reviewers comment; only a reviewer writes an internal comment.
// vis "" is VisibilityCase. Errors: NotFound (also for a case whose
// documents p may not see); Forbidden; Invalid naming "/text" or
// "/visibility".
func (d *Documents) AddComment(ctx context.Context, p Principal, caseID int64, text string, vis CommentVisibility, m RequestMeta) (Comment, error) {
	const op = "comment on case"
	if vis == "" {
		vis = VisibilityCase
	}
	if vis != VisibilityCase && vis != VisibilityInternal {
		return Comment{}, FieldError("/visibility", "unknown visibility %q (want case or internal)", truncate(string(vis), 40))
	}
	if strings.TrimSpace(text) == "" {
		return Comment{}, FieldError("/text", "a comment needs text")
	}
	if err := CheckText("/text", text, MaxCommentChars); err != nil {
		return Comment{}, err
	}
	c, err := d.caseFor(ctx, p, caseID, op)
	if err != nil {
		return Comment{}, err
	}
	if !mayWrite(p, c) {
		return Comment{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("only the carrier of the case and reviewers comment")}
	}
	if vis == VisibilityInternal && !p.Has(RoleReviewer) {
		return Comment{}, &Error{Op: op, Kind: Forbidden, Field: "/visibility", Err: errors.New("only a reviewer writes internal comments")}
	}
	now := d.review.now()
	cm := Comment{CaseID: c.ID, ProposalID: c.ProposalID, UserID: p.UserID, Author: p.Name, Org: p.Org,
		Visibility: vis, Text: text, Created: now}
	a := d.audit(p, c, "case.comment", now, m, map[string]string{"visibility": string(vis)})
	if err := d.store.AddComment(ctx, &cm, a); err != nil {
		return Comment{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	return cm, nil
}

// Comments returns the comments of case caseID that p may read: a carrier
// never sees internal ones. Errors: NotFound.
func (d *Documents) Comments(ctx context.Context, p Principal, caseID int64) ([]Comment, error) {
	const op = "comments of case"
	c, err := d.caseFor(ctx, p, caseID, op)
	if err != nil {
		return nil, err
	}
	internal := p.HasAny(RoleReviewer, RoleAdmin, RoleSystem) && !p.Has(RoleCarrier)
	cs, err := d.store.Comments(ctx, c.ID, internal)
	if err != nil {
		return nil, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	return cs, nil
}

// AttachmentInput is an upload. The caller (api) has checked that Body's
// bytes are what ContentType says (their magic bytes).
type AttachmentInput struct {
	Filename    string
	ContentType string
	Body        []byte
	// WantSHA256 is the client's checksum of Body, or nil for none.
	WantSHA256 *[32]byte
}

// Attach stores a file of case caseID uploaded by p: its carrier or a
// reviewer. A file whose bytes the case holds already is not stored
// twice: the stored one is returned, with existing true. Errors:
// NotFound; Forbidden; Invalid naming "filename" (the query parameter),
// "Content-Type" or "X-Checksum-Sha256" (the body is not what the client
// sent).
func (d *Documents) Attach(ctx context.Context, p Principal, caseID int64, in AttachmentInput, m RequestMeta) (Attachment, bool, error) {
	const op = "attach to case"
	if err := CheckFilename("filename", in.Filename); err != nil {
		return Attachment{}, false, err
	}
	if !slices.Contains(AttachmentTypes, in.ContentType) {
		return Attachment{}, false, FieldError("Content-Type", "%q is not an attachment type (want %s)", truncate(in.ContentType, 64), strings.Join(AttachmentTypes, ", "))
	}
	if len(in.Body) == 0 {
		return Attachment{}, false, FieldError("body", "the file is empty")
	}
	sum := sha256.Sum256(in.Body)
	if in.WantSHA256 != nil && *in.WantSHA256 != sum {
		return Attachment{}, false, FieldError("X-Checksum-Sha256", "the body's SHA-256 is %s, not %s: it was damaged or cut short on the way",
			hex.EncodeToString(sum[:]), hex.EncodeToString(in.WantSHA256[:]))
	}
	c, err := d.attachCase(ctx, p, caseID)
	if err != nil {
		return Attachment{}, false, err
	}
	now := d.review.now()
	at := Attachment{CaseID: c.ID, ProposalID: c.ProposalID, UserID: p.UserID, Uploader: p.Name, Org: p.Org,
		Filename: in.Filename, ContentType: in.ContentType, SizeBytes: int64(len(in.Body)), SHA256: sum, Body: in.Body, Created: now}
	audit := d.audit(p, c, "case.attach", now, m, map[string]string{"filename": in.Filename,
		"content_type": in.ContentType, "size_bytes": strconv.Itoa(len(in.Body)), "sha256": at.SHA256Hex()})
	existing, err := d.store.AddAttachment(ctx, &at, audit)
	if err != nil {
		return Attachment{}, false, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	at.Body = nil
	return at, existing, nil
}

// MayAttach returns the error Attach would for p and case caseID before
// looking at the file (NotFound, Forbidden), or nil: an upload is refused
// before its body, megabytes of it, is read.
func (d *Documents) MayAttach(ctx context.Context, p Principal, caseID int64) error {
	_, err := d.attachCase(ctx, p, caseID)
	return err
}

// attachCase returns case caseID if p may attach files to it.
func (d *Documents) attachCase(ctx context.Context, p Principal, caseID int64) (Case, error) {
	const op = "attach to case"
	c, err := d.caseFor(ctx, p, caseID, op)
	if err != nil {
		return Case{}, err
	}
	if !mayWrite(p, c) {
		return Case{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("only the carrier of the case and reviewers attach files")}
	}
	return c, nil
}

// CheckFilename reports why name cannot be an attachment's file name: not
// one line of at most MaxFilenameChars, empty, or a path (a slash or a
// backslash), which a browser saving it must not follow.
func CheckFilename(field, name string) error {
	if strings.TrimSpace(name) == "" {
		return FieldError(field, "a file name is required")
	}
	if err := CheckLine(field, name, MaxFilenameChars); err != nil {
		return err
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return FieldError(field, "a file name, not a path")
	}
	return nil
}

// Attachments lists the attachments of case caseID. Errors: NotFound.
func (d *Documents) Attachments(ctx context.Context, p Principal, caseID int64) ([]Attachment, error) {
	const op = "attachments of case"
	c, err := d.caseFor(ctx, p, caseID, op)
	if err != nil {
		return nil, err
	}
	as, err := d.store.Attachments(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	return as, nil
}

// Attachment returns attachment id of case caseID with its body. Errors:
// NotFound, also for an attachment of another case.
func (d *Documents) Attachment(ctx context.Context, p Principal, caseID, id int64) (Attachment, error) {
	const op = "attachment"
	c, err := d.caseFor(ctx, p, caseID, op)
	if err != nil {
		return Attachment{}, err
	}
	a, err := d.store.Attachment(ctx, c.ID, id, true)
	if KindOf(err) == NotFound {
		return Attachment{}, &Error{Op: op, Kind: NotFound, Err: fmt.Errorf("attachment %d of case %d not found", id, caseID)}
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("%s %d: %w", op, id, err)
	}
	return a, nil
}

// ConditionInput is a change of one condition.
type ConditionInput struct {
	// Status is met or waived (a reviewer of the deciding authority), or
	// open: the carrier reports evidence and the condition stays open
	// until a reviewer marks it.
	Status     ConditionStatus
	Note       string
	EvidenceID int64 // an attachment of the same case; 0 for none
}

// SetCondition changes condition condID of the decision of case caseID,
// made on the version ifVersion names (required). A reviewer of the
// authority that decided marks it met or waived (with evidence or not);
// the carrier of the case reports evidence (status open, an attachment
// required) but cannot mark it. A met or waived condition is final.
// Errors: Invalid naming "If-Match", "/status", "/note" or
// "/evidence_attachment_id"; NotFound (the case or the condition);
// Forbidden; WrongState (the case is not approved with conditions, or the
// condition is settled); Stale.
func (d *Documents) SetCondition(ctx context.Context, p Principal, caseID, condID int64, ifVersion int, in ConditionInput, m RequestMeta) (Case, Condition, error) {
	const op = "change condition"
	if ifVersion <= 0 {
		return Case{}, Condition{}, &Error{Op: op, Kind: Invalid, Field: "If-Match", Err: errors.New("a condition change must name the version of the case it was made on")}
	}
	switch in.Status {
	case ConditionMet, ConditionWaived, ConditionOpen:
	default:
		return Case{}, Condition{}, FieldError("/status", "unknown status %q (want met or waived; open to report evidence)", truncate(string(in.Status), 40))
	}
	if err := CheckText("/note", in.Note, MaxTextChars); err != nil {
		return Case{}, Condition{}, err
	}
	if in.EvidenceID < 0 {
		return Case{}, Condition{}, FieldError("/evidence_attachment_id", "%d is not an attachment id", in.EvidenceID)
	}
	c, err := d.caseFor(ctx, p, caseID, op)
	if err != nil {
		return Case{}, Condition{}, err
	}
	ds, err := d.review.cases.Decisions(ctx, c.ID)
	if err != nil {
		return Case{}, Condition{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	var dec Decision
	at := -1
	if len(ds) > 0 {
		dec = ds[len(ds)-1]
		at = slices.IndexFunc(dec.Conditions, func(k Condition) bool { return k.ID == condID })
	}
	if at < 0 {
		return Case{}, Condition{}, &Error{Op: op, Kind: NotFound, Err: fmt.Errorf("condition %d of case %d not found", condID, caseID)}
	}
	cond := dec.Conditions[at]
	switch {
	case in.Status == ConditionOpen && !(p.Has(RoleCarrier) && c.Carrier == p.Org):
		return Case{}, Condition{}, &Error{Op: op, Kind: Forbidden, Field: "/status",
			Err: errors.New("only the carrier of the case reports evidence (status open); a reviewer marks a condition met or waived")}
	case in.Status != ConditionOpen && (!p.Has(RoleReviewer) || p.Org != dec.Authority):
		return Case{}, Condition{}, &Error{Op: op, Kind: Forbidden, Field: "/status",
			Err: fmt.Errorf("only a reviewer of %s, which set the condition, marks it %s; the carrier reports evidence", dec.Authority, in.Status)}
	case in.Status == ConditionOpen && in.EvidenceID == 0:
		return Case{}, Condition{}, FieldError("/evidence_attachment_id", "a report of evidence needs an attachment of the case")
	}
	if err := checkVersion(op, c, ifVersion); err != nil {
		return Case{}, Condition{}, err
	}
	if c.State != StateApprovedCond {
		return Case{}, Condition{}, &Error{Op: op, Kind: WrongState,
			Err: fmt.Errorf("cannot change a condition when the case is %s", strings.ReplaceAll(string(c.State), "_", " "))}
	}
	if cond.Status != ConditionOpen {
		return Case{}, Condition{}, &Error{Op: op, Kind: WrongState, Err: fmt.Errorf("condition %d is %s already", condID, cond.Status)}
	}
	if in.EvidenceID != 0 {
		_, err := d.store.Attachment(ctx, c.ID, in.EvidenceID, false)
		switch {
		case KindOf(err) == NotFound:
			return Case{}, Condition{}, FieldError("/evidence_attachment_id", "case %d has no attachment %d", caseID, in.EvidenceID)
		case err != nil:
			return Case{}, Condition{}, fmt.Errorf("%s %d: %w", op, caseID, err)
		}
	}
	now := d.review.now()
	details := map[string]string{"condition_id": strconv.FormatInt(cond.ID, 10), "type": string(cond.Type)}
	if in.EvidenceID != 0 {
		cond.EvidenceID = in.EvidenceID
		details["evidence_attachment_id"] = strconv.FormatInt(in.EvidenceID, 10)
	}
	action := "case.condition.evidence"
	if in.Status == ConditionOpen {
		cond.EvidenceNote = in.Note
	} else {
		action = "case.condition." + string(in.Status)
		cond.Status, cond.StatusNote, cond.ChangedBy, cond.ChangedAt = in.Status, in.Note, p.UserID, now
	}
	c.Updated = now
	ch := &CaseChange{Case: &c, WantVersion: c.Version, Condition: &cond,
		Audit: []AuditEntry{d.audit(p, c, action, now, m, details)}}
	if err := d.review.cases.Change(ctx, ch); err != nil {
		return Case{}, Condition{}, fmt.Errorf("%s %d: %w", op, condID, err)
	}
	return c, cond, nil
}
