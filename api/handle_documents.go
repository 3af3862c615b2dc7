package api

import (
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// A case's documents (issue 8): comments, attachments and the tracking of
// the decision's conditions. The carrier of the case and the reviewers of
// its province read and write them; another carrier, or an analyst, gets
// 404 even once the decision is public (planning.CanSeeDocuments).

// errNoDocuments answers the document routes when Config.Documents is nil.
var errNoDocuments = &httpError{status: http.StatusServiceUnavailable, msg: "case documents are not configured"}

// headerChecksum carries the client's SHA-256 of an upload, in hex as
// sha256sum prints it.
const headerChecksum = "X-Checksum-Sha256"

// documentsCase returns the id of the case of proposal :id (see
// proposalCaseID), when documents are configured.
func (s *server) documentsCase(c *gin.Context) (int64, error) {
	if s.cfg.Documents == nil {
		return 0, errNoDocuments
	}
	return s.proposalCaseID(c)
}

type commentOut struct {
	ID           int64     `json:"id"`
	ProposalID   int64     `json:"proposal_id"`
	Author       string    `json:"author"`
	Organization string    `json:"organization"`
	Visibility   string    `json:"visibility"`
	Text         string    `json:"text"`
	Created      time.Time `json:"created"`
}

func newCommentOut(k planning.Comment) commentOut {
	return commentOut{ID: k.ID, ProposalID: k.ProposalID, Author: k.Author, Organization: k.Org,
		Visibility: string(k.Visibility), Text: k.Text, Created: k.Created.UTC()}
}

type commentIn struct {
	Text       *string `json:"text"`
	Visibility string  `json:"visibility"`
}

// handleAddComment serves POST /v1/proposals/{id}/comments {text,
// visibility?}: visibility "case" (the default) or "internal" (reviewers
// only; a carrier never sees it).
func (s *server) handleAddComment() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.documentsCase(c)
		if err != nil {
			return err
		}
		var in commentIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.Text == nil {
			return planning.FieldError("/text", "text is required")
		}
		k, err := s.cfg.Documents.AddComment(c.Request.Context(), principal(c), id, *in.Text,
			planning.CommentVisibility(in.Visibility), planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return err
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusCreated, contentTypeJSON, newCommentOut(k))
		return nil
	}
}

// handleListComments serves GET /v1/proposals/{id}/comments.
func (s *server) handleListComments() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.documentsCase(c)
		if err != nil {
			return err
		}
		ks, err := s.cfg.Documents.Comments(c.Request.Context(), principal(c), id)
		if err != nil {
			return err
		}
		items := make([]commentOut, 0, len(ks))
		for _, k := range ks {
			items = append(items, newCommentOut(k))
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, struct {
			Items []commentOut `json:"items"`
		}{items})
		return nil
	}
}

type attachmentOut struct {
	ID           int64     `json:"id"`
	ProposalID   int64     `json:"proposal_id"`
	Filename     string    `json:"filename"`
	ContentType  string    `json:"content_type"`
	SizeBytes    int64     `json:"size_bytes"`
	SHA256       string    `json:"sha256"`
	Uploader     string    `json:"uploader"`
	Organization string    `json:"organization"`
	Created      time.Time `json:"created"`
	Download     string    `json:"download"`
}

func newAttachmentOut(proposalID int64, a planning.Attachment) attachmentOut {
	return attachmentOut{ID: a.ID, ProposalID: a.ProposalID, Filename: a.Filename, ContentType: a.ContentType,
		SizeBytes: a.SizeBytes, SHA256: a.SHA256Hex(), Uploader: a.Uploader, Organization: a.Org,
		Created: a.Created.UTC(), Download: attachmentLink(proposalID, a.ID)}
}

func attachmentLink(proposalID, id int64) string {
	return fmt.Sprintf("/v1/proposals/%d/attachments/%d", proposalID, id)
}

// handleUpload serves POST /v1/proposals/{id}/attachments?filename=NAME:
// the body is the file itself, sent as application/pdf, image/png or
// image/jpeg, and its first bytes must say the same (415 otherwise). A
// body over Config.MaxAttachmentBytes is 413, before it is read whole. An
// X-Checksum-Sha256 header (hex) is checked against the body (422). The
// same bytes uploaded to the same case again answer 200 with the stored
// attachment; a new one 201.
func (s *server) handleUpload() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.documentsCase(c)
		if err != nil {
			return err
		}
		ct, err := checkUploadContentType(c, planning.AttachmentTypes)
		if err != nil {
			return err
		}
		q := c.Request.URL.Query()
		if errs := unknownParams(q, "filename"); len(errs) > 0 {
			return &planning.Error{Op: "upload attachment", Kind: planning.Invalid, Err: errors.Join(errs...)}
		}
		name, err := queryParam(q, "filename", planning.MaxFilenameChars)
		if err != nil {
			return err
		}
		if name == "" {
			return malformed("filename", "the file's name is required: ?filename=NAME")
		}
		var want *[32]byte
		if hs := c.Request.Header.Values(headerChecksum); len(hs) > 1 {
			// Which one would count? Checking the first let a proxy's or
			// a client's second value pass unchecked.
			return malformed(headerChecksum, "given %d times", len(hs))
		}
		if h := c.GetHeader(headerChecksum); h != "" {
			b, err := hex.DecodeString(strings.TrimSpace(h))
			if err != nil || len(b) != 32 {
				return malformed(headerChecksum, "%s: want the SHA-256 of the body as 64 hex digits", echo(h))
			}
			want = (*[32]byte)(b)
		}
		// Another carrier, or a reviewer of another province, is
		// answered before the body is read.
		if err := s.cfg.Documents.MayAttach(c.Request.Context(), principal(c), id); err != nil {
			return err
		}
		body, err := readBody(c, s.cfg.MaxAttachmentBytes)
		if err != nil {
			return err
		}
		// The declared type must be the bytes' type, by their signature
		// (the WHATWG sniffing algorithm): a PNG sent as a PDF would be
		// opened by a PDF reader on a reviewer's desk.
		sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(body))
		if sniffed != ct {
			return &httpError{status: http.StatusUnsupportedMediaType,
				msg: fmt.Sprintf("the body is not %s: its first bytes are those of %s", ct, sniffed)}
		}
		proposalID, _ := pathID(c)
		a, existing, err := s.cfg.Documents.Attach(c.Request.Context(), principal(c), id,
			planning.AttachmentInput{Filename: name, ContentType: ct, Body: body, WantSHA256: want},
			planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return err
		}
		status := http.StatusCreated
		if existing {
			status = http.StatusOK
		}
		c.Header("Location", attachmentLink(proposalID, a.ID))
		c.Header("Cache-Control", "no-store")
		writeJSON(c, status, contentTypeJSON, newAttachmentOut(proposalID, a))
		return nil
	}
}

// handleListAttachments serves GET /v1/proposals/{id}/attachments.
func (s *server) handleListAttachments() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.documentsCase(c)
		if err != nil {
			return err
		}
		as, err := s.cfg.Documents.Attachments(c.Request.Context(), principal(c), id)
		if err != nil {
			return err
		}
		proposalID, _ := pathID(c)
		items := make([]attachmentOut, 0, len(as))
		for _, a := range as {
			items = append(items, newAttachmentOut(proposalID, a))
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, struct {
			Items []attachmentOut `json:"items"`
		}{items})
		return nil
	}
}

// handleDownload serves GET /v1/proposals/{id}/attachments/{aid}: the
// file as stored, to be saved (Content-Disposition: attachment), never
// sniffed nor run as a page, with its SHA-256 as its ETag.
func (s *server) handleDownload() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.documentsCase(c)
		if err != nil {
			return err
		}
		aid, err := parseID("aid", "attachment id", c.Param("aid"))
		if err != nil {
			return err
		}
		a, err := s.cfg.Documents.Attachment(c.Request.Context(), principal(c), id, aid)
		if err != nil {
			return err
		}
		etag := `"` + a.SHA256Hex() + `"`
		h := c.Writer.Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		// A PDF or an image opened from here runs nothing and loads nothing.
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		cd := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
		if cd == "" {
			cd = "attachment" // a name mime cannot write: the browser picks one
		}
		h.Set("Content-Disposition", cd)
		if inm := c.GetHeader("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
			c.Status(http.StatusNotModified)
			return nil
		}
		h.Set("Content-Length", strconv.Itoa(len(a.Body)))
		c.Data(http.StatusOK, a.ContentType, a.Body)
		return nil
	}
}

type conditionChangeIn struct {
	Status     *string `json:"status"`
	Note       string  `json:"note"`
	EvidenceID *int64  `json:"evidence_attachment_id"`
}

// handleCondition serves POST /v1/proposals/{id}/conditions/{cid}
// {status, note, evidence_attachment_id?}, on the version of the case
// that If-Match names (428 without, 412 when stale): a reviewer of the
// deciding authority marks the condition met or waived; the carrier
// reports evidence with status open. It answers with the case.
func (s *server) handleCondition() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.documentsCase(c)
		if err != nil {
			return err
		}
		cid, err := parseID("cid", "condition id", c.Param("cid"))
		if err != nil {
			return err
		}
		v, err := ifMatch(c, id, true)
		if err != nil {
			return err
		}
		var in conditionChangeIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.Status == nil {
			return planning.FieldError("/status", "status is required (met or waived; open to report evidence)")
		}
		ci := planning.ConditionInput{Status: planning.ConditionStatus(*in.Status), Note: in.Note}
		if in.EvidenceID != nil {
			if *in.EvidenceID <= 0 {
				return planning.FieldError("/evidence_attachment_id", "%d is not an attachment id", *in.EvidenceID)
			}
			ci.EvidenceID = *in.EvidenceID
		}
		_, _, err = s.cfg.Documents.SetCondition(c.Request.Context(), principal(c), id, cid, v, ci,
			planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return err
		}
		return s.writeCase(c, http.StatusOK, id)
	}
}
