package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// Webhooks of issue 8: an organization's carriers, reviewers and admins
// register the endpoints where it is told of every change of state of a
// case that concerns it; each delivery is signed (X-Btsplan-Signature,
// see README) and its attempts are kept.

var errNoNotify = &httpError{status: http.StatusServiceUnavailable, msg: "notifications are not configured"}

type webhookIn struct {
	URL    *string  `json:"url"`
	Secret string   `json:"secret"`
	Events []string `json:"events"`
}

type webhookOut struct {
	ID           int64     `json:"id"`
	Organization string    `json:"organization"`
	URL          string    `json:"url"`
	Events       []string  `json:"events"`
	Created      time.Time `json:"created"`
	// Secret is shown only in the answer to the registration.
	Secret     string `json:"secret,omitempty"`
	Deliveries string `json:"deliveries"`
}

func newWebhookOut(w planning.Webhook, withSecret bool) webhookOut {
	out := webhookOut{ID: w.ID, Organization: w.Org, URL: w.URL, Events: []string{}, Created: w.Created.UTC(),
		Deliveries: fmt.Sprintf("/v1/webhooks/%d/deliveries", w.ID)}
	for _, e := range w.Events {
		out.Events = append(out.Events, string(e))
	}
	if withSecret {
		out.Secret = w.Secret
	}
	return out
}

// notifyID reads the :id of a webhook or area route (what names it),
// once notifications are configured.
func (s *server) notifyID(c *gin.Context, what string) (int64, error) {
	if s.cfg.Notify == nil {
		return 0, errNoNotify
	}
	return parseID("id", what, c.Param("id"))
}

// handleCreateWebhook serves POST /v1/webhooks.
func (s *server) handleCreateWebhook() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Notify == nil {
			return errNoNotify
		}
		var in webhookIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.URL == nil {
			return planning.FieldError("/url", "url is required: the http or https address to post notifications to")
		}
		wi := planning.WebhookInput{URL: *in.URL, Secret: in.Secret}
		for _, e := range in.Events {
			wi.Events = append(wi.Events, planning.CaseEvent(e))
		}
		w, err := s.cfg.Notify.RegisterWebhook(c.Request.Context(), principal(c), wi, planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return err
		}
		c.Header("Location", fmt.Sprintf("/v1/webhooks/%d", w.ID))
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusCreated, contentTypeJSON, newWebhookOut(w, true))
		return nil
	}
}

// handleListWebhooks serves GET /v1/webhooks: the caller's
// organization's webhooks (every one for an admin), without secrets.
func (s *server) handleListWebhooks() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Notify == nil {
			return errNoNotify
		}
		if errs := unknownParams(c.Request.URL.Query()); len(errs) > 0 {
			return errs[0]
		}
		ws, err := s.cfg.Notify.Webhooks(c.Request.Context(), principal(c))
		if err != nil {
			return err
		}
		items := make([]webhookOut, 0, len(ws))
		for _, w := range ws {
			items = append(items, newWebhookOut(w, false))
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, struct {
			Items []webhookOut `json:"items"`
		}{items})
		return nil
	}
}

// handleDeleteWebhook serves DELETE /v1/webhooks/{id}.
func (s *server) handleDeleteWebhook() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.notifyID(c, "webhook id")
		if err != nil {
			return err
		}
		if err := s.cfg.Notify.DeleteWebhook(c.Request.Context(), principal(c), id, planning.RequestMeta{RequestID: requestID(c)}); err != nil {
			return notFound(err, "webhook %d", id)
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}

type attemptOut struct {
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int       `json:"duration_ms"`
}

type deliveryOut struct {
	ID       int64           `json:"id"`
	CaseID   int64           `json:"case_id"`
	Event    string          `json:"event"`
	Status   string          `json:"status"`
	Created  time.Time       `json:"created"`
	Body     json.RawMessage `json:"body"`
	Attempts []attemptOut    `json:"attempts"`
}

// handleWebhookDeliveries serves GET /v1/webhooks/{id}/deliveries?limit=&offset=:
// the deliveries, newest first, with every attempt.
func (s *server) handleWebhookDeliveries() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.notifyID(c, "webhook id")
		if err != nil {
			return err
		}
		q := c.Request.URL.Query()
		if errs := unknownParams(q, "limit", "offset"); len(errs) > 0 {
			return errs[0]
		}
		limit, offset, err := pageParams(q)
		if err != nil {
			return err
		}
		ds, err := s.cfg.Notify.Deliveries(c.Request.Context(), principal(c), id, limit, offset)
		if err != nil {
			return notFound(err, "webhook %d", id)
		}
		items := make([]deliveryOut, 0, len(ds))
		for _, d := range ds {
			do := deliveryOut{ID: d.ID, CaseID: d.CaseID, Event: string(d.Event), Status: string(d.Status),
				Created: d.Created.UTC(), Body: json.RawMessage(d.Body), Attempts: []attemptOut{}}
			if !json.Valid(d.Body) {
				do.Body = json.RawMessage("null")
			}
			for _, a := range d.Attempts {
				do.Attempts = append(do.Attempts, attemptOut{Attempt: a.Attempt, At: a.At.UTC(), StatusCode: a.StatusCode,
					Error: a.Error, DurationMS: a.DurationMS})
			}
			items = append(items, do)
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, struct {
			Items []deliveryOut `json:"items"`
		}{items})
		return nil
	}
}

// pageParams reads ?limit (1..MaxPageLimit) and ?offset; 0 when absent.
func pageParams(q map[string][]string) (limit, offset int, err error) {
	for _, p := range []struct {
		name   string
		lo, hi int
		target *int
	}{{"limit", 1, MaxPageLimit, &limit}, {"offset", 0, planning.MaxListOffset, &offset}} {
		v, err := queryParam(q, p.name, maxParamChars)
		if err != nil {
			return 0, 0, err
		}
		if v != "" {
			if *p.target, err = parseInt(p.name, v, p.lo, p.hi); err != nil {
				return 0, 0, err
			}
		}
	}
	return limit, offset, nil
}
