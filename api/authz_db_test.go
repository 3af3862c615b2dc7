package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/planning"
)

// authzAPI is the handler over the real stores with real tokens: the
// authenticator, the review and the users of the database.
type authzAPI struct {
	h      http.Handler
	tokens map[string]string // by role name, and "other" (another carrier), "revoked", "expired"
	pool   *pgxpool.Pool     // the throwaway schema's, to look at what was stored
}

// newAuthzAPI wires the API as cmd does, over a throwaway schema with the
// province of badinput_db_test.go, and makes one user per role (a carrier
// of 452-04, another of 452-01, a reviewer, an analyst and an admin of
// SNNMT), each with a token, plus a revoked and an expired token. opts
// change the Config before the handler is made.
func newAuthzAPI(t *testing.T, opts ...func(*api.Config)) *authzAPI {
	t.Helper()
	pool := datatest.New(t)
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, orgs := data.NewAdminStore(db), data.NewOrgStore(db)
	if _, err := admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", NameField: "ten",
		ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, strings.NewReader(dbProvince)); err != nil {
		t.Fatal(err)
	}
	props := data.NewProposalStore(db)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), props,
		admin, orgs, data.NewLayerStore(db, book), nil)
	cal, err := planning.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	users := data.NewUserStore(db)
	cases := data.NewCaseStore(db)
	cfg := api.Config{
		Orgs:      orgs,
		Web:       fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>map</title>")}},
		Auth:      planning.NewTokenAuthenticator(users, planning.NewTokenCache(0, 0, nil), nil),
		Review:    planning.NewReview(planning.ReviewConfig{}, svc, cases, props, cal, nil),
		Notify:    planning.NewNotifications(planning.NotifyConfig{}, data.NewWebhookStore(db), nil),
		Decisions: planning.NewDecisions(cases),
	}
	cfg.Documents = planning.NewDocuments(cfg.Review, data.NewDocumentStore(db))
	for _, o := range opts {
		o(&cfg)
	}
	a := &authzAPI{h: api.NewHandler(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})), cfg, svc),
		tokens: map[string]string{}, pool: pool}

	acc := planning.NewAccounts(users, orgs, nil, nil)
	addRoleUsers(t, acc, a.tokens)
	revoked, _, err := acc.CreateToken(ctx, "admin", time.Hour, "revoked")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.RevokeTokens(ctx, planning.TokenSelector{}, revoked); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	a.tokens["revoked"] = revoked
	// Made two days ago for a day: expired.
	expired, tok, err := acc.CreateToken(ctx, "admin", time.Hour, "expired")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE api_token SET created_at = now() - interval '2 days',
		expires_at = now() - interval '1 day' WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	a.tokens["expired"] = expired
	return a
}

// addRoleUsers makes one user per role, each with a token stored in
// tokens under its key: a carrier of 452-04 ("carrier"), another of 452-01
// ("other"), and a reviewer, an analyst and an admin of SNNMT.
func addRoleUsers(t *testing.T, acc *planning.Accounts, tokens map[string]string) {
	t.Helper()
	ctx := context.Background()
	for _, u := range []struct{ key, name, org, role string }{
		{"carrier", "viettel", "452-04", "carrier"},
		{"other", "mobifone", "452-01", "carrier"},
		{"reviewer", "reviewer", "SNNMT", "reviewer"},
		{"analyst", "analyst", "SNNMT", "analyst"},
		{"admin", "admin", "SNNMT", "admin"},
	} {
		if _, err := acc.AddUser(ctx, planning.User{Name: u.name, Org: u.org, Roles: []planning.Role{planning.Role(u.role)}}); err != nil {
			t.Fatalf("add user %s: %v", u.name, err)
		}
		text, _, err := acc.CreateToken(ctx, u.name, time.Hour, "")
		if err != nil {
			t.Fatalf("token of %s: %v", u.name, err)
		}
		tokens[u.key] = text
	}
}

// do sends a request with the token of who ("" for none).
func (a *authzAPI) do(t *testing.T, who, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.serve(req, who, headers...)
}

// serve sends req with the token of who ("" for none) and headers.
func (a *authzAPI) serve(req *http.Request, who string, headers ...string) *httptest.ResponseRecorder {
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[who])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec
}

// dbSiteBody is a valid site of carrier 452-04 in the loaded province.
func dbSiteBody(t *testing.T, code string) string {
	m := siteBody(dbSite)
	m["properties"].(map[string]any)["site_code"] = code
	return string(mustJSON(t, m))
}

// TestAccessTable walks the role × endpoint table: every route, for each
// role, no token, an unknown, a revoked and an expired token. Proposal 1
// is a pending proposal of carrier 452-04, which the other carrier and the
// analyst may not know exists (404, not 403). The classes: "ok" is any
// status but 401, 403 and 404 (the request was let through to a resource
// that exists); "any" lets 404 through too (a resource the test does not
// make: a coverage, a gap analysis); "403" and "404" are those statuses.
func TestAccessTable(t *testing.T) {
	a := newAuthzAPI(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "AUTHZ-1")); rec.Code != http.StatusCreated {
		t.Fatalf("carrier's submission = %d %s, want 201", rec.Code, rec.Body)
	}
	site := dbSiteBody(t, "AUTHZ-2")
	roles := []string{"carrier", "other", "reviewer", "analyst", "admin"}
	// want: one class per role, in the order of roles.
	tests := []struct {
		method, target, body string
		open                 bool
		want                 string
	}{
		{"GET", "/", "", true, "ok ok ok ok ok"},
		{"GET", "/healthz", "", true, "ok ok ok ok ok"},
		{"GET", "/readyz", "", true, "ok ok ok ok ok"},
		{"GET", "/openapi.json", "", true, "ok ok ok ok ok"},
		{"GET", "/metrics", "", false, "403 403 403 ok ok"},
		{"POST", "/v1/session", `{}`, true, "ok ok ok ok ok"},
		{"GET", "/v1/session", "", false, "ok ok ok ok ok"},
		{"DELETE", "/v1/session", "", true, "ok ok ok ok ok"},
		{"POST", "/v1/checks", site, false, "ok ok ok ok ok"},
		{"POST", "/v1/proposals", site, false, "ok 403 403 403 ok"},
		{"GET", "/v1/proposals", "", false, "ok ok ok 403 ok"},
		{"GET", "/v1/proposals.geojson", "", false, "ok ok ok 403 ok"},
		{"GET", "/v1/proposals/1", "", false, "ok 404 ok 404 ok"},
		{"GET", "/v1/proposals/1/assessment", "", false, "ok 404 ok 404 ok"},
		{"GET", "/v1/proposals/1/report", "", false, "ok 404 ok 404 ok"},
		{"GET", "/v1/proposals/1/report.html", "", false, "ok 404 ok 404 ok"},
		{"GET", "/v1/proposals/1/findings.geojson", "", false, "ok 404 ok 404 ok"},
		{"GET", "/v1/proposals/1/coverage", "", false, "ok 404 ok 404 ok"},
		{"GET", "/v1/proposals/1/case", "", false, "ok 404 ok 404 ok"},
		{"POST", "/v1/proposals/1/actions", `{"event":"no_such_event"}`, false, "ok 404 ok 403 403"},
		{"POST", "/v1/proposals/1/signatures", `{"consent":true}`, false, "403 403 ok 403 403"},
		{"POST", "/v1/proposals/1/decisions", `{"outcome":"approve"}`, false, "403 403 ok 403 403"},
		{"GET", "/v1/cases", "", false, "ok ok ok ok ok"},
		{"POST", "/v1/proposals/1/comments", `{"text":"x"}`, false, "ok 404 ok 403 403"},
		{"GET", "/v1/proposals/1/comments", "", false, "ok 404 ok 403 ok"},
		{"POST", "/v1/proposals/1/attachments", `{}`, false, "ok 404 ok 403 403"},
		{"GET", "/v1/proposals/1/attachments", "", false, "ok 404 ok 403 ok"},
		{"GET", "/v1/proposals/1/attachments/1", "", false, "any 404 any 403 any"},
		{"POST", "/v1/proposals/1/conditions/1", `{"status":"met"}`, false, "ok 404 ok 403 403"},
		{"GET", "/v1/proposals/1/decision-letter.html", "", false, "ok 404 ok 404 ok"},
		{"POST", "/v1/coverage", `{}`, false, "ok ok ok 403 ok"},
		{"GET", "/v1/coverage/1", "", false, "any any any any any"},
		{"GET", "/v1/coverage/1/legend.png", "", false, "any any any any any"},
		{"GET", "/v1/coverage/1.png", "", false, "any any any any any"},
		{"GET", "/v1/coverage/1.tif", "", false, "any any any any any"},
		{"GET", "/v1/coverage/1.geojson", "", false, "any any any any any"},
		{"GET", "/v1/sites", "", false, "ok ok ok ok ok"},
		{"POST", "/v1/sites", `{}`, false, "403 403 403 403 ok"},
		{"POST", "/v1/gap-analyses", `{}`, false, "403 403 403 ok ok"},
		{"GET", "/v1/gap-analyses", "", false, "any any any any any"},
		{"GET", "/v1/gap-analyses/1", "", false, "any any any any any"},
		{"GET", "/v1/gap-analyses/1/villages", "", false, "any any any any any"},
		{"GET", "/v1/gap-analyses/1/villages.geojson", "", false, "any any any any any"},
		{"GET", "/v1/gap-analyses/1/gaps.geojson", "", false, "any any any any any"},
		{"POST", "/v1/gap-analyses/1/cancel", "", false, "403 403 403 any any"},
		{"POST", "/v1/gap-lists", "", false, "403 403 403 403 ok"},

		{"POST", "/v1/site-searches", `{}`, false, "any any 403 any any"},
		{"GET", "/v1/site-searches", "", false, "any any 403 any any"},
		{"GET", "/v1/site-searches/1", "", false, "any any 403 any any"},
		{"GET", "/v1/site-searches/1/locations.geojson", "", false, "any any 403 any any"},
		{"POST", "/v1/site-searches/1/locations/1/adopt", "", false, "any any 403 403 403"},
		{"POST", "/v1/site-searches/1/cancel", "", false, "any any 403 any any"},
		{"GET", "/v1/layers", "", false, "ok ok ok ok ok"},
		{"POST", "/v1/layers?kind=landuse&name=x&category=ONT", `{"type":"FeatureCollection","features":[]}`, false, "403 403 403 403 ok"},
		{"GET", "/v1/layers/x.geojson", "", false, "any any any any any"},
		// Webhooks 1 to 4 are the carrier's, the other carrier's, the
		// reviewer's and the admin's; the carrier deletes its own first.
		{"POST", "/v1/webhooks", `{"url":"https://hooks.example.org/btsplan"}`, false, "ok ok ok 403 ok"},
		{"GET", "/v1/webhooks", "", false, "ok ok ok 403 ok"},
		{"GET", "/v1/webhooks/1/deliveries", "", false, "ok 404 404 403 ok"},
		{"DELETE", "/v1/webhooks/1", "", false, "ok 404 404 403 any"},
		{"POST", "/v1/areas-of-interest", areaBody, false, "403 403 ok 403 ok"},
		{"GET", "/v1/areas-of-interest", "", false, "403 403 ok 403 ok"},
		{"DELETE", "/v1/areas-of-interest/1", "", false, "403 403 ok 403 any"},
		{"GET", "/v1/decisions", "", true, "ok ok ok ok ok"},
		{"GET", "/v1/decisions/1", "", true, "any any any any any"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.method+" "+strings.SplitN(tt.target, "?", 2)[0]] = true
		wants := strings.Fields(tt.want)
		if len(wants) != len(roles) {
			t.Fatalf("%s %s: %d classes for %d roles", tt.method, tt.target, len(wants), len(roles))
		}
		for i, role := range roles {
			t.Run(tt.method+" "+tt.target+" as "+role, func(t *testing.T) {
				rec := a.do(t, role, tt.method, tt.target, tt.body)
				if !inClass(rec.Code, wants[i]) {
					t.Errorf("status = %d, want %s; body %.300s", rec.Code, wants[i], rec.Body)
				}
			})
		}
		for _, who := range []string{"", "unknown", "revoked", "expired"} {
			name := who
			if name == "" {
				name = "no token"
			}
			t.Run(tt.method+" "+tt.target+" with "+name, func(t *testing.T) {
				rec := a.do(t, who, tt.method, tt.target, tt.body)
				if tt.open {
					if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
						t.Errorf("open route: status = %d, want it answered", rec.Code)
					}
					return
				}
				p := decodeProblem(t, rec, http.StatusUnauthorized)
				if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="btsplan"` {
					t.Errorf("WWW-Authenticate = %q, want Bearer realm=\"btsplan\"", got)
				}
				if strings.Contains(p.Detail, "revoked") != strings.Contains(p.Detail, "expired") {
					t.Errorf("detail %q tells an expired token from a revoked one", p.Detail)
				}
			})
		}
	}
	// Every documented operation has a row: a new route needs one here too.
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(a.do(t, "", "GET", "/openapi.json", "").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for m := range ops {
			target := strings.NewReplacer("{id}", "1", "{name}", "x", "{coverageId}", "1", "{gapId}", "1",
				"{aid}", "1", "{cid}", "1", "{rank}", "1").Replace(path)
			if !covered[strings.ToUpper(m)+" "+target] {
				t.Errorf("documented %s %s (as %s) has no row in TestAccessTable", strings.ToUpper(m), path, target)
			}
		}
	}
}

func inClass(status int, class string) bool {
	switch class {
	case "ok":
		return status != 401 && status != 403 && status != 404
	case "any":
		return status != 401 && status != 403
	case "403":
		return status == 403
	case "404":
		return status == 404
	}
	return false
}

// TestCarrierSeesOnlyItsOwn: another carrier's pending proposals are
// missing from its lists, and asking for them by id is 404 with the words
// of a proposal that does not exist.
func TestCarrierSeesOnlyItsOwn(t *testing.T) {
	a := newAuthzAPI(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "OWN-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submission = %d %s", rec.Code, rec.Body)
	}
	for _, target := range []string{"/v1/proposals", "/v1/proposals?carrier=452-04", "/v1/proposals.geojson", "/v1/cases"} {
		for who, want := range map[string]int{"carrier": 1, "other": 0, "admin": 1, "reviewer": 1} {
			rec := a.do(t, who, "GET", target, "")
			var page struct {
				Items    []json.RawMessage `json:"items"`
				Features []json.RawMessage `json:"features"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &page); rec.Code != 200 || err != nil {
				t.Fatalf("%s as %s = %d %s", target, who, rec.Code, rec.Body)
			}
			if got := len(page.Items) + len(page.Features); got != want {
				t.Errorf("%s as %s: %d items, want %d", target, who, got, want)
			}
		}
	}
	hidden := decodeProblem(t, a.do(t, "other", "GET", "/v1/proposals/1", ""), http.StatusNotFound)
	missing := decodeProblem(t, a.do(t, "other", "GET", "/v1/proposals/2", ""), http.StatusNotFound)
	if hidden.Detail != strings.Replace(missing.Detail, "2", "1", 1) {
		t.Errorf("hidden proposal: %q; missing one: %q; want the same words", hidden.Detail, missing.Detail)
	}
	// A carrier submitting for another carrier is 403 naming the field, and stores nothing.
	p := decodeProblem(t, a.do(t, "other", "POST", "/v1/proposals", dbSiteBody(t, "OWN-2")), http.StatusForbidden)
	if p.Field != "/properties/carrier" {
		t.Errorf("field = %q, want /properties/carrier", p.Field)
	}
	if rec := a.do(t, "admin", "GET", "/v1/proposals", ""); !strings.Contains(rec.Body.String(), `"total":1`) {
		t.Errorf("after the refused submission: %s, want still one proposal", rec.Body)
	}
}

// TestSessionCookie signs a browser in: the token is checked and kept in an
// HttpOnly, SameSite=Strict cookie that then authenticates reads and
// same-origin writes, never a write from another site's page.
func TestSessionCookie(t *testing.T) {
	a := newAuthzAPI(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "SESSION-1")); rec.Code != http.StatusCreated {
		t.Fatalf("carrier's submission = %d %s, want 201", rec.Code, rec.Body)
	}
	signIn := func(token string) *httptest.ResponseRecorder {
		return a.do(t, "", "POST", "/v1/session", string(mustJSON(t, map[string]string{"token": token})))
	}
	if rec := signIn("not-a-token"); rec.Code != http.StatusUnauthorized || rec.Header().Get("Set-Cookie") != "" {
		t.Fatalf("sign-in with a bad token = %d, cookie %q; want 401 and no cookie", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	if rec := signIn(a.tokens["revoked"]); rec.Code != http.StatusUnauthorized {
		t.Errorf("sign-in with a revoked token = %d, want 401", rec.Code)
	}
	rec := signIn(a.tokens["carrier"])
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"org":"452-04"`) {
		t.Fatalf("sign-in = %d %s, want 200 naming the carrier", rec.Code, rec.Body)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].Path != "/" {
		t.Fatalf("cookie = %+v, want one HttpOnly SameSite=Strict cookie on /", cookies)
	}
	ck := "btsplan_session=" + cookies[0].Value
	tests := []struct {
		name, method, target, body string
		headers                    []string
		want                       int
	}{
		{"who am I", "GET", "/v1/session", "", nil, http.StatusOK},
		{"own proposal", "GET", "/v1/proposals/1/report.html", "", nil, http.StatusOK},
		{"a check from this site's page", "POST", "/v1/checks", dbSiteBody(t, "S-2"), []string{"Origin", "http://example.com"}, http.StatusOK},
		{"a check with no Origin, same-origin fetch", "POST", "/v1/checks", dbSiteBody(t, "S-3"), []string{"Sec-Fetch-Site", "same-origin"}, http.StatusOK},
		{"a write from another site", "POST", "/v1/checks", dbSiteBody(t, "S-4"), []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"a write another site's page sends without Origin", "POST", "/v1/proposals", dbSiteBody(t, "S-5"), []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"still a carrier: no layer import", "POST", "/v1/layers?kind=landuse&name=x&category=ONT", `{"type":"FeatureCollection","features":[]}`, []string{"Origin", "http://example.com"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := a.do(t, "", tt.method, tt.target, tt.body, append([]string{"Cookie", ck}, tt.headers...)...)
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d; body %.300s", rec.Code, tt.want, rec.Body)
			}
		})
	}
	out := a.do(t, "", "DELETE", "/v1/session", "", "Cookie", ck)
	if c := out.Result().Cookies(); out.Code != http.StatusNoContent || len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("sign-out = %d, cookies %+v; want 204 and the cookie dropped", out.Code, c)
	}
}
