package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// Public decisions of issue 8: an open route (no token) listing the
// decisions of decided cases. It shows what a decision letter shows: the
// case, the site, the outcome, the authority, the validity and the typed
// conditions with their status; never the reviewer's name, the notes,
// the signatures, the comments or the documents, nor any case that is
// pending.

var errNoDecisions = &httpError{status: http.StatusServiceUnavailable, msg: "public decisions are not configured"}

type publicConditionOut struct {
	Type   string            `json:"type"`
	Params map[string]string `json:"params"`
	Status string            `json:"status"`
}

type publicDecisionOut struct {
	ID         int64                `json:"id"`
	Outcome    string               `json:"outcome"`
	Authority  string               `json:"authority"`
	Signed     time.Time            `json:"signed"`
	ValidUntil string               `json:"valid_until,omitempty"`
	Conditions []publicConditionOut `json:"conditions"`
	Case       publicCaseOut        `json:"case"`
	Self       string               `json:"self"`
}

type publicCaseOut struct {
	ID         int64      `json:"id"`
	Carrier    string     `json:"carrier"`
	SiteCode   string     `json:"site_code"`
	Province   string     `json:"province"`
	State      string     `json:"state"`
	ProposalID int64      `json:"proposal_id"`
	Revision   int        `json:"revision"`
	Location   [2]float64 `json:"location"` // [lon, lat]
}

func newPublicDecisionOut(pd planning.PublicDecision) publicDecisionOut {
	d, c := pd.Decision, pd.Case
	out := publicDecisionOut{ID: d.ID, Outcome: string(d.Outcome), Authority: d.Authority, Signed: d.Signed.UTC(),
		ValidUntil: day(d.ValidUntil), Conditions: []publicConditionOut{}, Self: fmt.Sprintf("/v1/decisions/%d", d.ID),
		Case: publicCaseOut{ID: c.ID, Carrier: c.Carrier, SiteCode: c.SiteCode, Province: c.Province, State: string(c.State),
			ProposalID: d.ProposalID, Revision: c.Revision, Location: [2]float64{pd.Location[0], pd.Location[1]}}}
	for _, k := range d.Conditions {
		params := k.Params
		if params == nil {
			params = map[string]string{}
		}
		out.Conditions = append(out.Conditions, publicConditionOut{Type: string(k.Type), Params: params, Status: string(k.Status)})
	}
	return out
}

// handleListDecisions serves GET /v1/decisions?bbox=&state=&since=&limit=&offset=
// (open): decisions of decided cases, newest first.
func (s *server) handleListDecisions() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Decisions == nil {
			return errNoDecisions
		}
		q := c.Request.URL.Query()
		errs := unknownParams(q, "bbox", "state", "since", "limit", "offset")
		var f planning.DecisionFilter
		if v, err := queryParam(q, "bbox", maxParamChars); err != nil {
			errs = append(errs, err)
		} else if v != "" || q.Has("bbox") {
			if f.BBox, err = parseBBox(v); err != nil {
				errs = append(errs, err)
			}
		}
		if v, err := queryParam(q, "state", planning.MaxCodeChars); err != nil {
			errs = append(errs, err)
		} else {
			f.State = planning.CaseState(v)
		}
		if v, err := queryParam(q, "since", maxParamChars); err != nil {
			errs = append(errs, err)
		} else if v != "" {
			if f.Since, err = parseSince(v); err != nil {
				errs = append(errs, err)
			}
		}
		var err error
		if f.Limit, f.Offset, err = pageParams(q); err != nil {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return &planning.Error{Op: "list decisions", Kind: planning.Invalid, Err: errors.Join(errs...)}
		}
		ds, err := s.cfg.Decisions.List(c.Request.Context(), f)
		if err != nil {
			return err
		}
		items := make([]publicDecisionOut, 0, len(ds))
		for _, d := range ds {
			items = append(items, newPublicDecisionOut(d))
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, struct {
			Items []publicDecisionOut `json:"items"`
		}{items})
		return nil
	}
}

// parseSince reads ?since: a day (YYYY-MM-DD, from its midnight in
// Vietnam) or an RFC 3339 time.
func parseSince(v string) (time.Time, error) {
	if t, err := time.ParseInLocation(dateLayout, v, vietnam); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, malformed("since", "since %s: want a day (YYYY-MM-DD) or an RFC 3339 time", echo(v))
}

// handleGetDecision serves GET /v1/decisions/{id} (open).
func (s *server) handleGetDecision() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Decisions == nil {
			return errNoDecisions
		}
		id, err := parseID("id", "decision id", c.Param("id"))
		if err != nil {
			return err
		}
		d, err := s.cfg.Decisions.Get(c.Request.Context(), id)
		if err != nil {
			return notFound(err, "decision %d", id)
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, newPublicDecisionOut(d))
		return nil
	}
}
