package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// contentTypeProblem is the media type of every error body (RFC 9457).
const contentTypeProblem = "application/problem+json"

// retryAfterSeconds is the Retry-After of every 503.
const retryAfterSeconds = "1"

// errMalformed marks an Invalid error about a request that could not be
// parsed at all (bad JSON syntax, a query parameter of the wrong form), which
// is answered 400 rather than 422.
var errMalformed = errors.New("malformed request")

// errTooLarge marks a body over its size limit, answered 413.
var errTooLarge = errors.New("request body too large")

// kindStatus is the one table from planning's error Kinds to statuses.
var kindStatus = map[planning.Kind]int{
	planning.Invalid:     http.StatusUnprocessableEntity,
	planning.NotFound:    http.StatusNotFound,
	planning.Exists:      http.StatusConflict,
	planning.Unavailable: http.StatusServiceUnavailable,
	planning.Internal:    http.StatusInternalServerError,
	// Issue 8: who may do what, and the case workflow.
	planning.Unauthenticated: http.StatusUnauthorized,
	planning.Forbidden:       http.StatusForbidden,
	planning.WrongState:      http.StatusConflict,
	planning.Stale:           http.StatusPreconditionFailed,
}

// errPreconditionRequired marks an Invalid error about a missing If-Match
// on a request that must carry one (a decision), answered 428.
var errPreconditionRequired = errors.New("precondition required")

// authChallenge is the WWW-Authenticate of every 401 (RFC 6750).
const authChallenge = `Bearer realm="btsplan"`

// problemType names each kind of problem in the "type" member. They are
// URNs rather than invented web addresses; the OpenAPI document lists them.
var problemType = map[int]string{
	http.StatusBadRequest:            "urn:btsplan:problem:malformed-request",
	http.StatusNotFound:              "urn:btsplan:problem:not-found",
	http.StatusRequestTimeout:        "urn:btsplan:problem:request-timeout",
	http.StatusMethodNotAllowed:      "urn:btsplan:problem:method-not-allowed",
	http.StatusConflict:              "urn:btsplan:problem:exists",
	http.StatusRequestEntityTooLarge: "urn:btsplan:problem:body-too-large",
	http.StatusUnsupportedMediaType:  "urn:btsplan:problem:unsupported-media-type",
	http.StatusUnprocessableEntity:   "urn:btsplan:problem:invalid",
	http.StatusInternalServerError:   "urn:btsplan:problem:internal",
	http.StatusServiceUnavailable:    "urn:btsplan:problem:unavailable",
	http.StatusUnauthorized:          "urn:btsplan:problem:unauthenticated",
	http.StatusForbidden:             "urn:btsplan:problem:forbidden",
	http.StatusPreconditionFailed:    "urn:btsplan:problem:stale",
	http.StatusPreconditionRequired:  "urn:btsplan:problem:precondition-required",
}

// problemTypeOf refines the type of a 409: a state machine's refusal
// (WrongState) is not a duplicate (Exists).
func problemTypeOf(status int, err error) string {
	if status == http.StatusConflict && planning.KindOf(err) == planning.WrongState {
		return "urn:btsplan:problem:wrong-state"
	}
	return problemType[status]
}

// httpError is an error about HTTP itself (a method not allowed here)
// that no planning Kind describes.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// statusOf returns the HTTP status for err.
func statusOf(err error) int {
	var he *httpError
	switch {
	case errors.As(err, &he):
		return he.status
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errPreconditionRequired):
		return http.StatusPreconditionRequired
	case errors.Is(err, errMalformed) && planning.KindOf(err) == planning.Invalid:
		return http.StatusBadRequest
	}
	if s, ok := kindStatus[planning.KindOf(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// malformed returns an Invalid error about the input named field that is
// answered 400: the request could not be read, as opposed to read and
// found wrong (422).
func malformed(field, format string, args ...any) error {
	return &planning.Error{Kind: planning.Invalid, Field: field,
		Err: fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))}
}

// notFound gives a store's NotFound error a plain detail naming what was
// asked for ("proposal 123 not found"): a store's own text may be the
// driver's ("no rows in result set"). Any other error passes unchanged.
func notFound(err error, format string, args ...any) error {
	if err == nil || planning.KindOf(err) != planning.NotFound {
		return err
	}
	return &planning.Error{Kind: planning.NotFound, Err: fmt.Errorf(format+" not found", args...)}
}

// fieldReason is one entry of a problem's "errors" member.
type fieldReason struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// problem is an RFC 9457 problem details object with btsplan's extension
// members: field (a JSON pointer into the body, or a query parameter name),
// errors (every field at fault), existing (the proposal a duplicate
// submission matched) and request_id.
type problem struct {
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	Detail    string        `json:"detail"`
	Instance  string        `json:"instance"`
	Field     string        `json:"field,omitempty"`
	Errors    []fieldReason `json:"errors,omitempty"`
	Existing  string        `json:"existing,omitempty"`
	RequestID string        `json:"request_id,omitempty"`
}

// writeError writes err as a problem. Internal errors (and anything
// unclassified) are logged with the request ID and shown to the client only
// as "internal error": driver and SQL text never leave the server.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	status := statusOf(err)
	p := problem{
		Type:      problemTypeOf(status, err),
		Title:     http.StatusText(status),
		Status:    status,
		Instance:  instanceOf(c.Request.URL.RequestURI()),
		RequestID: requestID(c),
	}
	var he *httpError
	switch {
	case errors.As(err, &he):
		p.Detail = he.msg
	case status >= http.StatusInternalServerError:
		log.ErrorContext(c.Request.Context(), "request failed",
			"request_id", p.RequestID, "status", status,
			"method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		if status == http.StatusServiceUnavailable {
			p.Detail = "service unavailable, try again later"
		} else {
			p.Detail = "internal error"
		}
	default:
		p.Detail = err.Error()
		p.Errors = fieldReasons(err)
		if len(p.Errors) > 0 {
			p.Field = p.Errors[0].Field
		}
		if id, ok := planning.DuplicateOf(err); ok {
			p.Existing = fmt.Sprintf("/v1/proposals/%d", id)
		}
	}
	writeProblem(c, p)
}

func writeProblem(c *gin.Context, p problem) {
	if c.Writer.Written() {
		// A streamed body has begun: the status is gone and a problem
		// would corrupt it. The caller has logged the error.
		c.Abort()
		return
	}
	c.Header("Cache-Control", "no-store")
	if p.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", authChallenge)
	}
	if p.Status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		// The database gate probes at least twice a second (data/gate.go),
		// and a full server frees its slots as fast: a second is enough,
		// unless the handler knows better (a full coverage queue).
		c.Header("Retry-After", retryAfterSeconds)
	}
	writeJSON(c, p.Status, contentTypeProblem, p)
	c.Abort()
}

// fieldReasons lists every *planning.Error with a Field in err's tree
// (errors.Join and %w chains alike), in order, without duplicates.
func fieldReasons(err error) []fieldReason {
	var out []fieldReason
	seen := map[fieldReason]bool{}
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*planning.Error); ok && e.Field != "" {
			r := fieldReason{Field: e.Field, Reason: reasonOf(e)}
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// reasonOf is the message of e without its op and field prefixes.
func reasonOf(e *planning.Error) string {
	if e.Err == nil {
		return e.Kind.String()
	}
	if errors.Is(e.Err, errMalformed) {
		var msg = e.Err.Error()
		prefix := errMalformed.Error() + ": "
		if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
			return msg[len(prefix):]
		}
		return msg
	}
	return e.Err.Error()
}

// maxInstanceBytes bounds the "instance" of a problem: the request's URI
// echoed back, which a hostile client can make a megabyte long.
const maxInstanceBytes = 512

// instanceOf is uri cut to maxInstanceBytes on a character boundary.
func instanceOf(uri string) string {
	if len(uri) <= maxInstanceBytes {
		return uri
	}
	i := maxInstanceBytes
	for i > 0 && !utf8.RuneStart(uri[i]) {
		i--
	}
	return uri[:i] + "…"
}
