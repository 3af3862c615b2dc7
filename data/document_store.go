package data

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"btsplan/planning"
)

var (
	//go:embed sql/comment_insert.sql
	qCommentInsert string
	//go:embed sql/comments.sql
	qComments string
	//go:embed sql/attachment_insert.sql
	qAttachmentInsert string
	//go:embed sql/attachment_by_hash.sql
	qAttachmentByHash string
	//go:embed sql/attachments.sql
	qAttachments string
	//go:embed sql/attachment.sql
	qAttachment string
)

// DocumentStore stores the comments and attachments of cases (attachments
// as bytea, in the transaction of their audit row); it implements
// planning.DocumentStore.
type DocumentStore struct {
	db *DB
}

var _ planning.DocumentStore = (*DocumentStore)(nil)

// NewDocumentStore returns a DocumentStore on db.
func NewDocumentStore(db *DB) *DocumentStore { return &DocumentStore{db: db} }

// AddComment stores c and its audit row in one transaction, filling in
// c.ID and c.Created. Errors: Invalid for values the schema refuses;
// Unavailable.
func (s *DocumentStore) AddComment(ctx context.Context, c *planning.Comment, audit planning.AuditEntry) error {
	op := fmt.Sprintf("comment on case %d", c.CaseID)
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		if err := s.db.queryRow(ctx, tx, qCommentInsert, []any{c.CaseID, nullID(c.ProposalID), c.UserID, c.Org,
			string(c.Visibility), c.Text, c.Created}, &c.ID, &c.Created); err != nil {
			return err
		}
		audit.Details = withDetail(audit.Details, "comment_id", strconv.FormatInt(c.ID, 10))
		return s.db.insertAudit(ctx, tx, []planning.AuditEntry{audit})
	})
	if err != nil {
		return opError(op, translate(err))
	}
	return nil
}

// withDetail returns a copy of d with k set to v.
func withDetail(d map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(d)+1)
	for dk, dv := range d {
		out[dk] = dv
	}
	out[k] = v
	return out
}

// Comments returns the comments of case caseID, oldest first; internal
// ones only when internal. Errors: Unavailable.
func (s *DocumentStore) Comments(ctx context.Context, caseID int64, internal bool) ([]planning.Comment, error) {
	const op = "comments"
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qComments, caseID, internal)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Comment, error) {
		var c planning.Comment
		var vis string
		err := r.Scan(&c.ID, &c.CaseID, &c.ProposalID, &c.UserID, &c.Author, &c.Org, &vis, &c.Text, &c.Created)
		c.Visibility = planning.CommentVisibility(vis)
		return c, err
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// AddAttachment stores a and its audit row in one transaction, unless the
// case holds the same bytes already: then it stores nothing, fills a with
// the stored attachment (no body) and returns true. Errors: Invalid for
// values the schema refuses; Unavailable.
func (s *DocumentStore) AddAttachment(ctx context.Context, a *planning.Attachment, audit planning.AuditEntry) (bool, error) {
	op := fmt.Sprintf("attach to case %d", a.CaseID)
	existing := false
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		err := s.db.queryRow(ctx, tx, qAttachmentInsert, []any{a.CaseID, nullID(a.ProposalID), a.UserID, a.Org,
			a.Filename, a.ContentType, a.SizeBytes, a.Body, a.SHA256[:], a.Created}, &a.ID, &a.Created)
		if planning.KindOf(err) == planning.NotFound {
			// ON CONFLICT DO NOTHING: the same bytes are stored already
			// (committed, since the unique index waits for a concurrent
			// insert of them to end).
			existing = true
			got, err := s.scanAttachment(tx.QueryRow(ctx, qAttachmentByHash, a.CaseID, a.SHA256[:]), false)
			if err != nil {
				return translate(err)
			}
			*a = got
			return nil
		}
		if err != nil {
			return err
		}
		audit.Details = withDetail(audit.Details, "attachment_id", strconv.FormatInt(a.ID, 10))
		return s.db.insertAudit(ctx, tx, []planning.AuditEntry{audit})
	})
	if err != nil {
		return false, opError(op, translate(err))
	}
	return existing, nil
}

// scanAttachment reads one attachment row: the columns of attachments.sql,
// and the body when the query has that column.
func (s *DocumentStore) scanAttachment(r pgx.Row, withBody bool) (planning.Attachment, error) {
	var a planning.Attachment
	var sum []byte
	dest := []any{&a.ID, &a.CaseID, &a.ProposalID, &a.UserID, &a.Uploader, &a.Org, &a.Filename,
		&a.ContentType, &a.SizeBytes, &sum, &a.Created}
	if withBody {
		dest = append(dest, &a.Body)
	}
	if err := r.Scan(dest...); err != nil {
		return a, err
	}
	if len(sum) != len(a.SHA256) {
		return a, planning.Errorf(planning.Internal, "attachment %d: sha256 of %d bytes", a.ID, len(sum))
	}
	copy(a.SHA256[:], sum)
	return a, nil
}

// Attachments returns the attachments of case caseID without bodies,
// oldest first. Errors: Unavailable.
func (s *DocumentStore) Attachments(ctx context.Context, caseID int64) ([]planning.Attachment, error) {
	const op = "attachments"
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qAttachments, caseID)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Attachment, error) {
		return s.scanAttachment(r, false)
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// Attachment returns attachment id of case caseID, with its body when
// withBody. Errors: NotFound, Unavailable.
func (s *DocumentStore) Attachment(ctx context.Context, caseID, id int64, withBody bool) (planning.Attachment, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	// attachment.sql always has the body column: NULL unless withBody.
	a, err := s.scanAttachment(s.db.pool.QueryRow(ctx, qAttachment, caseID, id, withBody), true)
	if err != nil {
		return a, opError(fmt.Sprintf("attachment %d", id), translate(err))
	}
	return a, nil
}
