package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// The case workflow of issue 8: a proposal's case, its actions, the
// authorities' signatures and the lead authority's decision, and the case
// list. Every change names the version it was made on through If-Match
// (required for decisions), and answers with the case as it is now and
// its ETag.

// errNoReview answers the case routes when Config.Review is nil.
var errNoReview = &httpError{status: http.StatusServiceUnavailable, msg: "the review workflow is not configured"}

// dateLayout is how days (due, valid until) are written: the day in Vietnam.
const dateLayout = "2006-01-02"

var vietnam = time.FixedZone("ICT", 7*3600)

type conditionOut struct {
	ID     int64             `json:"id"`
	Type   string            `json:"type"`
	Params map[string]string `json:"params"`
	Status string            `json:"status"`
	Note   string            `json:"note,omitempty"`
	// The tracking of the condition (handle_documents.go): when and with
	// what note a reviewer marked it, and the evidence reported.
	StatusChanged string `json:"status_changed,omitempty"`
	StatusNote    string `json:"status_note,omitempty"`
	EvidenceID    int64  `json:"evidence_attachment_id,omitempty"`
	EvidenceNote  string `json:"evidence_note,omitempty"`
}

type decisionOut struct {
	ID         int64          `json:"id"`
	ProposalID int64          `json:"proposal_id"`
	Outcome    string         `json:"outcome"`
	Authority  string         `json:"authority"`
	Reviewer   string         `json:"reviewer"`
	Note       string         `json:"note,omitempty"`
	ValidUntil string         `json:"valid_until,omitempty"`
	Signed     time.Time      `json:"signed"`
	Conditions []conditionOut `json:"conditions"`
}

type signatureOut struct {
	Authority string    `json:"authority"`
	Consent   bool      `json:"consent"`
	Signer    string    `json:"signer"`
	Note      string    `json:"note,omitempty"`
	Signed    time.Time `json:"signed"`
}

type clockOut struct {
	WorkingDays int    `json:"working_days"`
	Started     string `json:"started,omitempty"`
	Due         string `json:"due,omitempty"`
	Elapsed     int    `json:"elapsed"`
	Remaining   int    `json:"remaining"`
	Paused      bool   `json:"paused"`
	Stopped     bool   `json:"stopped"`
	Overdue     bool   `json:"overdue"`
}

type caseOut struct {
	ID         int64          `json:"id"`
	ETag       string         `json:"etag"`
	Version    int            `json:"version"`
	Carrier    string         `json:"carrier"`
	SiteCode   string         `json:"site_code"`
	Province   string         `json:"province"`
	State      string         `json:"state"`
	ProposalID int64          `json:"proposal_id"`
	Revision   int            `json:"revision"`
	Clock      clockOut       `json:"clock"`
	Required   []string       `json:"required_signatures"`
	Signatures []signatureOut `json:"signatures"`
	Missing    []string       `json:"missing_signatures"`
	Decisions  []decisionOut  `json:"decisions"`
	Links      caseLinks      `json:"links"`
}

// caseLinks are the case's routes, all under its current proposal; a
// draft (a best-site search's location, not submitted yet) has none.
type caseLinks struct {
	Self      string `json:"self,omitempty"`
	Proposal  string `json:"proposal,omitempty"`
	Report    string `json:"report,omitempty"`
	Actions   string `json:"actions,omitempty"`
	Decisions string `json:"decisions,omitempty"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format(dateLayout)
}

func newCaseOut(v planning.CaseView) caseOut {
	c := v.Case
	self := fmt.Sprintf("/v1/proposals/%d", c.ProposalID)
	out := caseOut{
		ID: c.ID, ETag: c.ETag(), Version: c.Version, Carrier: c.Carrier, SiteCode: c.SiteCode,
		Province: c.Province, State: string(c.State), ProposalID: c.ProposalID, Revision: c.Revision,
		Clock: clockOut{WorkingDays: c.Clock.WorkingDays, Started: day(c.Clock.Started), Due: day(v.Clock.Due),
			Elapsed: v.Clock.Elapsed, Remaining: v.Clock.Remaining, Paused: v.Clock.Paused,
			Stopped: v.Clock.Stopped, Overdue: v.Clock.Overdue},
		Required:   nonNil(v.Required),
		Missing:    nonNil(v.Missing),
		Signatures: []signatureOut{},
		Decisions:  []decisionOut{},
		Links: caseLinks{Self: self + "/case", Proposal: self, Report: self + "/report",
			Actions: self + "/actions", Decisions: self + "/decisions"},
	}
	if c.ProposalID == 0 {
		out.Links = caseLinks{}
	}
	for _, s := range v.Signatures {
		out.Signatures = append(out.Signatures, signatureOut{Authority: s.Authority, Consent: s.Consent,
			Signer: s.Signer, Note: s.Note, Signed: s.Signed.UTC()})
	}
	for _, d := range v.Decisions {
		do := decisionOut{ID: d.ID, ProposalID: d.ProposalID, Outcome: string(d.Outcome), Authority: d.Authority,
			Reviewer: d.Reviewer, Note: d.Note, ValidUntil: day(d.ValidUntil), Signed: d.Signed.UTC(),
			Conditions: []conditionOut{}}
		for _, k := range d.Conditions {
			ko := conditionOut{ID: k.ID, Type: string(k.Type), Params: k.Params, Status: string(k.Status),
				Note: k.Note, StatusNote: k.StatusNote, EvidenceID: k.EvidenceID, EvidenceNote: k.EvidenceNote}
			if !k.ChangedAt.IsZero() {
				ko.StatusChanged = k.ChangedAt.UTC().Format(time.RFC3339)
			}
			do.Conditions = append(do.Conditions, ko)
		}
		out.Decisions = append(out.Decisions, do)
	}
	return out
}

// proposalCaseID returns the id of the case of proposal :id, as the
// caller may see it (NotFound otherwise, as for no proposal).
func (s *server) proposalCaseID(c *gin.Context) (int64, error) {
	if s.cfg.Review == nil {
		return 0, errNoReview
	}
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	ctx := c.Request.Context()
	prop, err := s.svc.Proposal(ctx, id)
	if err != nil {
		return 0, notFound(err, "proposal %d", id)
	}
	cs, err := s.cfg.Review.CaseOfProposal(ctx, prop)
	if err != nil {
		return 0, err
	}
	if cs.ID == 0 || !planning.CanSee(principal(c), cs) {
		return 0, &planning.Error{Kind: planning.NotFound, Err: fmt.Errorf("the case of proposal %d not found", id)}
	}
	return cs.ID, nil
}

// ifMatch reads If-Match as the version of case id: 0 when absent and not
// required; 428 when absent and required; 412 when it names no version of
// this case (a tag of another case, or "*", matches nothing a client
// could have read).
func ifMatch(c *gin.Context, id int64, required bool) (int, error) {
	tag := c.GetHeader("If-Match")
	if tag == "" {
		if required {
			return 0, &planning.Error{Kind: planning.Invalid, Field: "If-Match",
				Err: fmt.Errorf("%w: a decision or a condition change must carry If-Match with the ETag of the case (GET …/case)", errPreconditionRequired)}
		}
		return 0, nil
	}
	v, err := planning.ParseCaseETag(id, tag)
	if err != nil {
		return 0, &planning.Error{Kind: planning.Stale, Field: "If-Match", Err: fmt.Errorf("If-Match is not an ETag of case %d", id)}
	}
	return v, nil
}

// writeCase answers with the case as p sees it now, and its ETag.
func (s *server) writeCase(c *gin.Context, status int, id int64) error {
	v, err := s.cfg.Review.Case(c.Request.Context(), principal(c), id)
	if err != nil {
		return err
	}
	c.Header("ETag", v.Case.ETag())
	c.Header("Cache-Control", "no-store")
	writeJSON(c, status, contentTypeJSON, newCaseOut(v))
	return nil
}

// handleGetCase serves GET /v1/proposals/{id}/case.
func (s *server) handleGetCase() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.proposalCaseID(c)
		if err != nil {
			return err
		}
		return s.writeCase(c, http.StatusOK, id)
	}
}

type actionIn struct {
	Event *string `json:"event"`
	Note  string  `json:"note"`
}

// handleCaseAction serves POST /v1/proposals/{id}/actions: start_review,
// request_documents, resubmit_documents, withdraw or report_built.
func (s *server) handleCaseAction() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.proposalCaseID(c)
		if err != nil {
			return err
		}
		var in actionIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.Event == nil {
			return planning.FieldError("/event", "event is required (start_review, request_documents, resubmit_documents, withdraw or report_built)")
		}
		v, err := ifMatch(c, id, false)
		if err != nil {
			return err
		}
		_, err = s.cfg.Review.Act(c.Request.Context(), principal(c), id, planning.CaseEvent(*in.Event), v, in.Note,
			planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return fieldAs(err, "event", "/event", "note", "/note")
		}
		return s.writeCase(c, http.StatusOK, id)
	}
}

type signatureIn struct {
	Consent *bool  `json:"consent"`
	Note    string `json:"note"`
}

// handleSign serves POST /v1/proposals/{id}/signatures: the caller's
// authority consents to, or refuses, the case's current assessment.
func (s *server) handleSign() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.proposalCaseID(c)
		if err != nil {
			return err
		}
		var in signatureIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.Consent == nil {
			return planning.FieldError("/consent", "consent is required: true to consent, false to refuse")
		}
		v, err := ifMatch(c, id, false)
		if err != nil {
			return err
		}
		_, _, err = s.cfg.Review.Sign(c.Request.Context(), principal(c), id, v, *in.Consent, in.Note,
			planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return fieldAs(err, "note", "/note")
		}
		return s.writeCase(c, http.StatusCreated, id)
	}
}

type conditionIn struct {
	Type   string            `json:"type"`
	Params map[string]string `json:"params"`
	Note   string            `json:"note"`
}

type decisionIn struct {
	Outcome    *string       `json:"outcome"`
	Conditions []conditionIn `json:"conditions"`
	Note       string        `json:"note"`
	ValidUntil string        `json:"valid_until"`
}

// handleDecide serves POST /v1/proposals/{id}/decisions: the lead
// authority's decision, made on the version of the case that If-Match
// names (428 without it, 412 when the case has changed since).
func (s *server) handleDecide() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.proposalCaseID(c)
		if err != nil {
			return err
		}
		v, err := ifMatch(c, id, true)
		if err != nil {
			return err
		}
		var in decisionIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.Outcome == nil {
			return planning.FieldError("/outcome", "outcome is required (approve, approve_with_conditions, reject or request_relocation)")
		}
		d := planning.DecisionInput{Outcome: planning.CaseEvent(*in.Outcome), Note: in.Note}
		for _, k := range in.Conditions {
			d.Conditions = append(d.Conditions, planning.Condition{Type: planning.ConditionType(k.Type), Params: k.Params, Note: k.Note})
		}
		if in.ValidUntil != "" {
			t, err := time.ParseInLocation(dateLayout, in.ValidUntil, vietnam)
			if err != nil {
				return planning.FieldError("/valid_until", "%s is not a day (want YYYY-MM-DD)", echo(in.ValidUntil))
			}
			d.ValidUntil = t
		}
		_, _, err = s.cfg.Review.Decide(c.Request.Context(), principal(c), id, v, d, planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return err
		}
		return s.writeCase(c, http.StatusCreated, id)
	}
}

// handleListCases serves GET /v1/cases?state=&overdue=true&limit=&offset=:
// the cases the caller may see.
func (s *server) handleListCases() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Review == nil {
			return errNoReview
		}
		q := c.Request.URL.Query()
		var f planning.CaseFilter
		state, err := queryParam(q, "state", planning.MaxCodeChars)
		if err != nil {
			return err
		}
		if state != "" && !planning.CaseState(state).Valid() {
			return malformed("state", "state %s: want one of the case states", echo(state))
		}
		f.State = planning.CaseState(state)
		switch o, err := queryParam(q, "overdue", 5); {
		case err != nil:
			return err
		case o == "true":
			f.Overdue = true
		case o != "" && o != "false":
			return malformed("overdue", "overdue %s: want true or false", echo(o))
		}
		for _, p := range []struct {
			name   string
			hi     int
			target *int
		}{{"limit", MaxPageLimit, &f.Limit}, {"offset", planning.MaxListOffset, &f.Offset}} {
			v, err := queryParam(q, p.name, maxParamChars)
			if err != nil {
				return err
			}
			if v != "" {
				lo := 0
				if p.name == "limit" {
					lo = 1
				}
				if *p.target, err = parseInt(p.name, v, lo, p.hi); err != nil {
					return err
				}
			}
		}
		ctx := c.Request.Context()
		cases, err := s.cfg.Review.Cases(ctx, principal(c), f)
		if err != nil {
			return err
		}
		items := make([]caseOut, 0, len(cases))
		for _, k := range cases {
			items = append(items, newCaseOut(s.review(ctx, k)))
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, struct {
			Items []caseOut `json:"items"`
		}{items})
		return nil
	}
}

// review is the list's view of a case: its clock, without the
// signatures and decisions that its own page shows.
func (s *server) review(_ context.Context, k planning.Case) planning.CaseView {
	return planning.CaseView{Case: k, Clock: s.cfg.Review.Calendar().Status(k.Clock, s.now())}
}

// fieldAs renames the Field of the planning errors in err from the
// domain's names to the body's JSON pointers (pairs of from, to).
func fieldAs(err error, pairs ...string) error {
	var pe *planning.Error
	if !errors.As(err, &pe) || pe.Field == "" {
		return err
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pe.Field == pairs[i] {
			cp := *pe
			cp.Field = pairs[i+1]
			return &cp
		}
	}
	return err
}
