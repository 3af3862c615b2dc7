package api_test

import (
	"context"
	"errors"
	"net/http"

	"btsplan/api"
	"btsplan/planning"
)

// fakeAuth authenticates fixed tokens, for the tests over fakes; the
// table test over the database (authz_db_test.go) uses real tokens.
type fakeAuth map[string]planning.Principal

func (f fakeAuth) Authenticate(_ context.Context, tok string) (planning.Principal, error) {
	p, ok := f[tok]
	if !ok {
		return planning.Principal{}, &planning.Error{Op: "authenticate", Kind: planning.Unauthenticated,
			Err: errors.New("unknown, expired or revoked token")}
	}
	return p, nil
}

// The fixed tokens of the tests over fakes.
const (
	adminToken        = "admin-token"
	carrierToken      = "carrier-token"       // 452-04
	otherCarrierToken = "other-carrier-token" // 452-01
	reviewerToken     = "reviewer-token"
	analystToken      = "analyst-token"
)

var testAuth = fakeAuth{
	adminToken:        {UserID: 1, Name: "test-admin", Org: authority, OrgKind: "authority", Roles: []planning.Role{planning.RoleAdmin}},
	carrierToken:      {UserID: 2, Name: "test-viettel", Org: "452-04", OrgKind: "carrier", Roles: []planning.Role{planning.RoleCarrier}},
	otherCarrierToken: {UserID: 3, Name: "test-mobifone", Org: "452-01", OrgKind: "carrier", Roles: []planning.Role{planning.RoleCarrier}},
	reviewerToken:     {UserID: 4, Name: "test-reviewer", Org: authority, OrgKind: "authority", Roles: []planning.Role{planning.RoleReviewer}},
	analystToken:      {UserID: 5, Name: "test-analyst", Org: authority, OrgKind: "authority", Roles: []planning.Role{planning.RoleAnalyst}},
}

// noToken, as the Authorization header of a test request, sends it
// without one.
const noToken = "none"

// authed gives every request without an Authorization header the admin's
// token, so that the tests written before authentication keep testing
// what they test; "Authorization: none" sends a request without one.
func authed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "":
			r.Header.Set("Authorization", "Bearer "+adminToken)
		case noToken:
			r.Header.Del("Authorization")
		}
		h.ServeHTTP(w, r)
	})
}

// withTestAuth gives cfg the fixed tokens unless it has an authenticator.
func withTestAuth(cfg api.Config) api.Config {
	if cfg.Auth == nil {
		cfg.Auth = testAuth
	}
	return cfg
}
