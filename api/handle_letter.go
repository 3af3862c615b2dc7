package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// letterView is the decision letter template's data: the report's view of
// the decided revision (site, map, findings, rule-set and layer versions)
// and the decision itself.
type letterView struct {
	reportView
	LL          letterLabels
	CaseID      int64
	SelfLink    string
	ReportLink  string
	Outcome     string // the state, a CSS class
	OutcomeText string
	Authority   orgOut
	Reviewer    string
	Decided     string
	Note        string
	Approval    bool // an approval, with a validity
	ValidFrom   string
	ValidUntil  string
	Expired     bool
	Conditions  []letterCondition
	Signatures  []letterSignature
}

type letterCondition struct {
	Number       int
	ID           int64
	Text         string
	Note         string
	Status       string // a CSS class
	StatusText   string
	Changed      string
	StatusNote   string
	EvidenceID   int64
	EvidenceNote string
}

type letterSignature struct {
	Authority orgOut
	Consent   bool
	Signer    string
	Signed    string
	Note      string
}

// handleDecisionLetter serves GET
// /v1/proposals/{id}/decision-letter.html?lang=vi|en: the printable letter
// of the case's decision, as public as the decision. A case without a
// decision is 409, naming its state.
func (s *server) handleDecisionLetter() handlerFunc {
	return func(c *gin.Context) error {
		q := c.Request.URL.Query()
		if errs := unknownParams(q, "lang"); len(errs) > 0 {
			return &planning.Error{Op: "decision letter", Kind: planning.Invalid, Err: errors.Join(errs...)}
		}
		l, err := parseLang(q)
		if err != nil {
			return err
		}
		id, err := s.proposalCaseID(c)
		if err != nil {
			return err
		}
		if s.letterErr != nil {
			return fmt.Errorf("decision letter template: %w", s.letterErr)
		}
		ctx := c.Request.Context()
		cv, err := s.cfg.Review.Case(ctx, principal(c), id)
		if err != nil {
			return err
		}
		if !cv.Case.State.Decided() || len(cv.Decisions) == 0 {
			return &planning.Error{Op: "decision letter", Kind: planning.WrongState,
				Err: fmt.Errorf("no decision letter while the case is %s", strings.ReplaceAll(string(cv.Case.State), "_", " "))}
		}
		d := cv.Decisions[len(cv.Decisions)-1]
		r, err := s.loadReport(ctx, d.ProposalID)
		if err != nil {
			return err
		}
		v, err := s.newLetterView(c, cv, d, r, l)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := s.letterTmpl.Execute(&buf, v); err != nil {
			return fmt.Errorf("render decision letter of case %d: %w", id, err)
		}
		c.Header("Content-Language", string(l))
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, contentTypeHTML, buf.Bytes())
		return nil
	}
}

func (s *server) newLetterView(c *gin.Context, cv planning.CaseView, d planning.Decision, r report, l lang) (letterView, error) {
	t := letterText[l]
	links := newProposalLinks(d.ProposalID)
	v := letterView{
		reportView:  newReportView(r, l),
		LL:          t,
		CaseID:      cv.Case.ID,
		SelfLink:    fmt.Sprintf("/v1/proposals/%d/decision-letter.html", d.ProposalID),
		ReportLink:  links.ReportHTML + "?lang=" + string(l),
		Outcome:     string(d.Outcome),
		OutcomeText: t.outcome(d.Outcome),
		Reviewer:    d.Reviewer,
		Decided:     day(d.Signed),
		Note:        d.Note,
		Approval:    !d.ValidUntil.IsZero(),
		ValidFrom:   day(d.Signed),
		ValidUntil:  day(d.ValidUntil),
		Expired:     cv.Case.State == planning.StateExpired,
	}
	var err error
	if v.Authority, err = s.orgName(c.Request.Context(), d.Authority); err != nil {
		return letterView{}, err
	}
	for i, k := range d.Conditions {
		lc := letterCondition{Number: i + 1, ID: k.ID, Text: t.condition(k, l), Note: k.Note,
			Status: string(k.Status), StatusText: t.status(k.Status), StatusNote: k.StatusNote,
			EvidenceID: k.EvidenceID, EvidenceNote: k.EvidenceNote}
		if !k.ChangedAt.IsZero() {
			lc.Changed = day(k.ChangedAt)
		}
		v.Conditions = append(v.Conditions, lc)
	}
	for _, sg := range cv.Signatures {
		o, err := s.orgName(c.Request.Context(), sg.Authority)
		if err != nil {
			return letterView{}, err
		}
		v.Signatures = append(v.Signatures, letterSignature{Authority: o, Consent: sg.Consent, Signer: sg.Signer,
			Signed: day(sg.Signed), Note: sg.Note})
	}
	return v, nil
}
