package api

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// sessionCookie carries the token of a browser that signed in through
// POST /v1/session, so that what the web map opens without a script (the
// HTML report in a new tab, coverage images) is authenticated too. It is
// HttpOnly (no script reads it) and SameSite=Strict (no other site's page
// sends it), and a cookie-authenticated write must also come from this
// origin (sameOrigin).
const sessionCookie = "btsplan_session"

// maxSessionBody bounds the sign-in body: a token and some JSON.
const maxSessionBody = 4 << 10

// principalOut is who is signed in.
type principalOut struct {
	Name  string          `json:"name"`
	Org   string          `json:"org"`
	Kind  string          `json:"org_kind,omitempty"`
	Roles []planning.Role `json:"roles"`
}

func newPrincipalOut(p planning.Principal) principalOut {
	roles := p.Roles
	if roles == nil {
		roles = []planning.Role{}
	}
	return principalOut{Name: p.Name, Org: p.Org, Kind: p.OrgKind, Roles: roles}
}

// handleSignIn serves POST /v1/session: {"token": "..."} is checked like a
// bearer token and, when it is good, kept in the session cookie.
func (s *server) handleSignIn() handlerFunc {
	return func(c *gin.Context) error {
		var in struct {
			Token *string `json:"token"`
		}
		if err := readStrictJSON(c, maxSessionBody, &in); err != nil {
			return err
		}
		if in.Token == nil || *in.Token == "" {
			return planning.FieldError("/token", "missing: the API token to sign in with")
		}
		if err := planning.CheckLine("/token", *in.Token, planning.MaxNameChars); err != nil {
			return err
		}
		if s.cfg.Auth == nil {
			return errNoAuth
		}
		p, err := s.cfg.Auth.Authenticate(c.Request.Context(), *in.Token)
		if err != nil {
			return err
		}
		http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: *in.Token, Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, newPrincipalOut(p))
		return nil
	}
}

// handleWhoAmI serves GET /v1/session: who the request is signed in as.
func (s *server) handleWhoAmI() handlerFunc {
	return func(c *gin.Context) error {
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, newPrincipalOut(principal(c)))
		return nil
	}
}

// handleSignOut serves DELETE /v1/session: the cookie is dropped. The token
// itself stays valid (btsplan token revoke ends it).
func (s *server) handleSignOut() handlerFunc {
	return func(c *gin.Context) error {
		http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
		c.Status(http.StatusNoContent)
		return nil
	}
}

// errCrossSite refuses a cookie-authenticated write from another origin.
var errCrossSite = &planning.Error{Op: "authenticate", Kind: planning.Forbidden,
	Err: errors.New("a signed-in browser may write only from this site's own pages")}

// sameOrigin reports whether a cookie-authenticated request comes from
// this server's own pages: its Origin (sent by browsers on every write)
// names this host, or it has none and the browser does not call it
// cross-site (Sec-Fetch-Site).
func sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err == nil && u.Host == r.Host
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}
