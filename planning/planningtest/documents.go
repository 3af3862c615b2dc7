package planningtest

import (
	"context"

	"btsplan/planning"
)

// DocumentStore is a fake planning.DocumentStore. Audit collects the
// audit rows the calls were given.
type DocumentStore struct {
	AddCommentFunc    func(ctx context.Context, c *planning.Comment) error
	CommentsFunc      func(ctx context.Context, caseID int64, internal bool) ([]planning.Comment, error)
	AddAttachmentFunc func(ctx context.Context, a *planning.Attachment) (bool, error)
	AttachmentsFunc   func(ctx context.Context, caseID int64) ([]planning.Attachment, error)
	AttachmentFunc    func(ctx context.Context, caseID, id int64, withBody bool) (planning.Attachment, error)
	Audit             []planning.AuditEntry
}

var _ planning.DocumentStore = (*DocumentStore)(nil)

// AddComment records audit and calls AddCommentFunc.
func (s *DocumentStore) AddComment(ctx context.Context, c *planning.Comment, audit planning.AuditEntry) error {
	if s.AddCommentFunc == nil {
		return unset("DocumentStore.AddComment")
	}
	s.Audit = append(s.Audit, audit)
	return s.AddCommentFunc(ctx, c)
}

// Comments calls CommentsFunc.
func (s *DocumentStore) Comments(ctx context.Context, caseID int64, internal bool) ([]planning.Comment, error) {
	if s.CommentsFunc == nil {
		return nil, unset("DocumentStore.Comments")
	}
	return s.CommentsFunc(ctx, caseID, internal)
}

// AddAttachment records audit and calls AddAttachmentFunc.
func (s *DocumentStore) AddAttachment(ctx context.Context, a *planning.Attachment, audit planning.AuditEntry) (bool, error) {
	if s.AddAttachmentFunc == nil {
		return false, unset("DocumentStore.AddAttachment")
	}
	s.Audit = append(s.Audit, audit)
	return s.AddAttachmentFunc(ctx, a)
}

// Attachments calls AttachmentsFunc.
func (s *DocumentStore) Attachments(ctx context.Context, caseID int64) ([]planning.Attachment, error) {
	if s.AttachmentsFunc == nil {
		return nil, unset("DocumentStore.Attachments")
	}
	return s.AttachmentsFunc(ctx, caseID)
}

// Attachment calls AttachmentFunc.
func (s *DocumentStore) Attachment(ctx context.Context, caseID, id int64, withBody bool) (planning.Attachment, error) {
	if s.AttachmentFunc == nil {
		return planning.Attachment{}, unset("DocumentStore.Attachment")
	}
	return s.AttachmentFunc(ctx, caseID, id, withBody)
}
