package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

type caseBody struct {
	ID        int64  `json:"id"`
	ETag      string `json:"etag"`
	State     string `json:"state"`
	Decisions []struct {
		Outcome    string `json:"outcome"`
		ValidUntil string `json:"valid_until"`
		Conditions []struct {
			Type   string            `json:"type"`
			Params map[string]string `json:"params"`
			Status string            `json:"status"`
		} `json:"conditions"`
	} `json:"decisions"`
	Clock struct {
		Due    string `json:"due"`
		Paused bool   `json:"paused"`
	} `json:"clock"`
}

func decodeCase(t *testing.T, code int, rec interface {
	Result() *http.Response
}, body []byte, want int) caseBody {
	t.Helper()
	if code != want {
		t.Fatalf("status = %d, want %d; body %s", code, want, body)
	}
	var c caseBody
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("case body %s: %v", body, err)
	}
	if got := rec.Result().Header.Get("ETag"); got != c.ETag || got == "" {
		t.Errorf("ETag header %q, body etag %q: want the same, non-empty", got, c.ETag)
	}
	return c
}

// TestCaseWorkflow takes a case from submission to "approved with
// conditions" over the real stores, with the refusals on the way: a
// retried submission with the same Idempotency-Key, a decision without
// If-Match (428), with a stale one (412), a step the state machine
// refuses (409 naming the state), and the pause of the clock.
func TestCaseWorkflow(t *testing.T) {
	a := newAuthzAPI(t)
	site := dbSiteBody(t, "FLOW-1")
	first := a.do(t, "carrier", "POST", "/v1/proposals", site, "Idempotency-Key", "k-1")
	if first.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", first.Code, first.Body)
	}
	again := a.do(t, "carrier", "POST", "/v1/proposals", site, "Idempotency-Key", "k-1")
	if again.Code != http.StatusCreated || again.Header().Get("Idempotent-Replayed") != "true" || again.Body.String() != first.Body.String() {
		t.Errorf("retry with the same key = %d (replayed %q) %s, want the first result", again.Code, again.Header().Get("Idempotent-Replayed"), again.Body)
	}
	other := dbSiteBody(t, "FLOW-2")
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", other, "Idempotency-Key", "k-1"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("same key, other content = %d %s, want 422", rec.Code, rec.Body)
	}

	get := func(who string) caseBody {
		rec := a.do(t, who, "GET", "/v1/proposals/1/case", "")
		return decodeCase(t, rec.Code, rec, rec.Body.Bytes(), http.StatusOK)
	}
	c := get("carrier")
	if c.State != "assessed" || c.Clock.Due == "" {
		t.Fatalf("new case = %+v, want assessed with a due day", c)
	}
	act := func(who, event, etag string, want int) caseBody {
		t.Helper()
		rec := a.do(t, who, "POST", "/v1/proposals/1/actions", `{"event":"`+event+`"}`, "If-Match", etag)
		if want != http.StatusOK {
			p := decodeProblem(t, rec, want)
			if want == http.StatusConflict && !strings.Contains(p.Detail, "when the case is") {
				t.Errorf("409 detail %q does not name the state", p.Detail)
			}
			return caseBody{}
		}
		return decodeCase(t, rec.Code, rec, rec.Body.Bytes(), http.StatusOK)
	}
	act("carrier", "start_review", c.ETag, http.StatusForbidden) // the reviewer's step
	c = act("reviewer", "start_review", c.ETag, http.StatusOK)
	act("reviewer", "start_review", c.ETag, http.StatusConflict)
	c = act("reviewer", "request_documents", c.ETag, http.StatusOK)
	if !c.Clock.Paused {
		t.Errorf("after request_documents: clock %+v, want paused", c.Clock)
	}
	c = act("carrier", "resubmit_documents", c.ETag, http.StatusOK)

	// Two years on: within planning.MaxValidityYears.
	validUntil := time.Now().AddDate(2, 0, 0).Format("2006-01-02")
	decision := `{"outcome":"approve_with_conditions","note":"ok","valid_until":"` + validUntil + `",
		"conditions":[{"type":"max_height","params":{"height_m":"36"}},{"type":"camouflage","params":{"style":"tree"}}]}`
	decodeProblem(t, a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", decision), http.StatusPreconditionRequired)
	stale := strings.Replace(c.ETag, "-v", "-v1", 1)
	decodeProblem(t, a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", decision, "If-Match", stale), http.StatusPreconditionFailed)
	decodeProblem(t, a.do(t, "carrier", "POST", "/v1/proposals/1/decisions", decision, "If-Match", c.ETag), http.StatusForbidden)
	rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", decision, "If-Match", c.ETag)
	c = decodeCase(t, rec.Code, rec, rec.Body.Bytes(), http.StatusCreated)
	if c.State != "approved_with_conditions" || len(c.Decisions) != 1 || len(c.Decisions[0].Conditions) != 2 ||
		c.Decisions[0].Conditions[0].Status != "open" || c.Decisions[0].ValidUntil != validUntil {
		t.Errorf("decided case = %+v", c)
	}
	// The same decision on the old version loses: exactly one wins.
	decodeProblem(t, a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", decision, "If-Match", strings.Replace(c.ETag, "-v", "-v1", 1)), http.StatusPreconditionFailed)
	act("carrier", "withdraw", c.ETag, http.StatusConflict)

	// The decision is public: the other carrier and the analyst see it now.
	for _, who := range []string{"carrier", "other", "analyst"} {
		if got := get(who); got.State != "approved_with_conditions" {
			t.Errorf("case as %s = %+v", who, got)
		}
	}
	var list struct {
		Items []caseBody `json:"items"`
	}
	rec = a.do(t, "analyst", "GET", "/v1/cases?state=approved_with_conditions", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Items) != 1 {
		t.Errorf("analyst's list = %d %s, want the one decided case", rec.Code, rec.Body)
	}
	for _, q := range []string{"?state=nope", "?overdue=maybe", "?limit=0"} {
		decodeProblem(t, a.do(t, "admin", "GET", "/v1/cases"+q, ""), http.StatusBadRequest)
	}
}
