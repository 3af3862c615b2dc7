package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// keyPrincipal is where the caller's Principal is kept in the request's
// context; ginKeyPrincipal in the gin context, for the access log.
const (
	keyPrincipal    ctxKey = iota + 100
	ginKeyPrincipal        = "principal"
)

// principalFrom returns the authenticated caller of the request whose
// context is ctx, and false on an open route or outside a request.
func principalFrom(ctx context.Context) (planning.Principal, bool) {
	p, ok := ctx.Value(keyPrincipal).(planning.Principal)
	return p, ok
}

// errNoAuth answers every protected route when Config.Auth is nil: the
// default is to refuse, never to let everyone in.
var errNoAuth = &httpError{status: http.StatusServiceUnavailable, msg: "authentication not configured"}

// errNoToken is the 401 of a request without a bearer token.
var errNoToken = &planning.Error{Op: "authenticate", Kind: planning.Unauthenticated,
	Err: errors.New("this route needs a bearer token (Authorization: Bearer …)")}

// bearer returns the token of an "Authorization: Bearer <token>" header
// (the scheme is case-insensitive, RFC 7235), or "".
func bearer(h string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// withAuth authenticates and authorizes every routed request by the one
// table of authz.go, keyed by the route's method and template. An open
// route passes as it is; a protected one needs a bearer token that
// Config.Auth accepts (401 otherwise, with WWW-Authenticate) and a role the
// table allows (403 otherwise). A route missing from the table is refused
// to everyone (default deny), and TestAccessTableCoversRoutes fails. An
// unrouted request (404, 405, the web map's files) passes to the NoRoute
// and NoMethod handlers, which serve only static files and problems.
func withAuth(s *server) gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "" {
			c.Next()
			return
		}
		rule, ok := accessRules[c.Request.Method+" "+route]
		if !ok {
			s.log.ErrorContext(c.Request.Context(), "route has no access rule", "method", c.Request.Method, "route", route)
			writeError(c, s.log, &planning.Error{Op: "authorize", Kind: planning.Forbidden, Err: errors.New("this route is closed")})
			return
		}
		if rule.open {
			c.Next()
			return
		}
		if s.cfg.Auth == nil {
			writeError(c, s.log, errNoAuth)
			return
		}
		tok := bearer(c.GetHeader("Authorization"))
		if tok == "" {
			// A browser signed in through POST /v1/session.
			if ck, err := c.Request.Cookie(sessionCookie); err == nil && ck.Value != "" {
				tok = ck.Value
				if m := c.Request.Method; m != http.MethodGet && m != http.MethodHead && !sameOrigin(c.Request) {
					writeError(c, s.log, errCrossSite)
					return
				}
			}
		}
		if tok == "" {
			writeError(c, s.log, errNoToken)
			return
		}
		p, err := s.cfg.Auth.Authenticate(c.Request.Context(), tok)
		if err != nil {
			writeError(c, s.log, err)
			return
		}
		c.Set(ginKeyPrincipal, p)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), keyPrincipal, p))
		if !p.HasAny(rule.roles...) {
			writeError(c, s.log, &planning.Error{Op: "authorize", Kind: planning.Forbidden,
				Err: errors.New("your roles do not allow this request")})
			return
		}
		if rule.proposal {
			if err := s.checkProposalVisible(c); err != nil {
				writeError(c, s.log, err)
				return
			}
		}
		c.Next()
	}
}

// principal returns the request's Principal. Every protected route has
// one; a handler of an open route gets the zero Principal, which may do
// nothing.
func principal(c *gin.Context) planning.Principal {
	p, _ := principalFrom(c.Request.Context())
	return p
}
