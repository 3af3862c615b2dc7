package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// readBody reads the whole request body, at most limit bytes. A larger
// body is errTooLarge (413), whatever Content-Length claimed.
func readBody(c *gin.Context, limit int64) ([]byte, error) {
	if c.Request.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		// A client that stopped sending, or sent too slowly for the read
		// deadline: the network error's text (addresses, deadlines) is
		// not the client's business.
		return nil, &httpError{status: http.StatusRequestTimeout, msg: "the request body was not received in time, or its connection failed"}
	}
	return body, nil
}

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: the limit is %d bytes", errTooLarge, limit)
}

// checkJSONContentType accepts a JSON body sent as application/json,
// application/geo+json or another +json type, and answers 415 to anything
// else, a missing Content-Type included. A browser sends a cross-site form
// (text/plain, application/x-www-form-urlencoded, multipart/form-data)
// without asking first, so accepting those let any web page a user opened
// create proposals and import layers on a server they could reach; a JSON
// type is not a "simple" request and needs a CORS preflight, which this
// server never grants.
func checkJSONContentType(c *gin.Context) error {
	const want = "application/json or application/geo+json"
	mt, params, err := requestMediaType(c, want)
	if err != nil {
		return err
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		// RFC 8259 §8.1: JSON between systems is UTF-8; a body declared
		// otherwise would be read as something it is not.
		return &httpError{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("charset %s: JSON must be sent as UTF-8", echo(cs))}
	}
	if mt == "application/json" || mt == "application/geo+json" ||
		strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json") {
		return nil
	}
	return &httpError{status: http.StatusUnsupportedMediaType,
		msg: fmt.Sprintf("Content-Type %s: send %s", echo(mt), want)}
}

// checkUploadContentType accepts a raw file body whose Content-Type is one
// of types (an attachment's), and returns that type; anything else,
// a missing Content-Type included, is 415. Like JSON, none of these is a
// type a browser's cross-site form can send without a CORS preflight.
func checkUploadContentType(c *gin.Context, types []string) (string, error) {
	want := strings.Join(types, ", ")
	mt, _, err := requestMediaType(c, want)
	if err != nil {
		return "", err
	}
	if !slices.Contains(types, mt) {
		return "", &httpError{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("Content-Type %s: send one of %s", echo(mt), want)}
	}
	return mt, nil
}

// requestMediaType returns the request's media type (lower case) and its
// parameters. A missing or unparsable Content-Type, or a compressed body,
// is 415 naming want, the types the route takes.
func requestMediaType(c *gin.Context, want string) (string, map[string]string, error) {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return "", nil, &httpError{status: http.StatusUnsupportedMediaType,
			msg: "no Content-Type: send the body as " + want}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil, &httpError{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("invalid Content-Type %s: send %s", echo(ct), want)}
	}
	if ce := c.GetHeader("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		// The body would be read as it came: say so rather than
		// misread a compressed one.
		return "", nil, &httpError{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("Content-Encoding %s: send the body uncompressed", echo(ce))}
	}
	return mt, params, nil
}

// echo quotes a client's value for a message: at most 64 bytes of it, so a
// megabyte of garbage is not written back (or logged) whole.
func echo(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:max]) + fmt.Sprintf("… (%d bytes)", len(s))
}

// queryParam returns the one value of query parameter name ("" when
// absent), refusing it when given more than once (which value would count?)
// or when it is not one line of at most maxChars characters
// (planning.CheckLine: no NUL, no control character, valid UTF-8). Both
// are 400, naming the parameter.
func queryParam(q url.Values, name string, maxChars int) (string, error) {
	vs := q[name]
	if len(vs) > 1 {
		return "", malformed(name, "given %d times", len(vs))
	}
	if len(vs) == 0 {
		return "", nil
	}
	if err := checkParamText(name, vs[0], maxChars); err != nil {
		return "", err
	}
	return vs[0], nil
}

// checkParamText is planning.CheckLine for a query or path parameter,
// whose faults are a malformed request (400).
func checkParamText(name, v string, maxChars int) error {
	err := planning.CheckLine(name, v, maxChars)
	var pe *planning.Error
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	return malformed(name, "%v", pe.Err)
}

// maxParamChars bounds the query parameters that are neither codes nor
// names (bbox, numbers, category_map).
const maxParamChars = 1000

// parseLang reads ?lang: vi (the default) or en.
func parseLang(q url.Values) (lang, error) {
	v, err := queryParam(q, "lang", planning.MaxCodeChars)
	if err != nil {
		return "", err
	}
	switch v {
	case "", "vi":
		return langVI, nil
	case "en":
		return langEN, nil
	default:
		return "", malformed("lang", "lang %s: want vi or en", echo(v))
	}
}

// queryLang reads the request's ?lang.
func queryLang(c *gin.Context) (lang, error) {
	return parseLang(c.Request.URL.Query())
}

// maxIDDigits bounds an ID's digits: every ID column is a bigint, and 18
// digits always fit one.
const maxIDDigits = 18

// parseID reads an ID: canonical decimal only (digits, no sign, no leading
// zero, at most maxIDDigits), above 0, so that "+1" and "00001" are not
// other names of proposal 1 and no number overflows the column. what
// names it in the message ("proposal id").
func parseID(field, what, raw string) (int64, error) {
	if !canonicalDigits(raw, maxIDDigits) || raw == "0" {
		return 0, malformed(field, "%s %s: want a positive integer of at most %d digits, without sign or leading zeros", what, echo(raw), maxIDDigits)
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, malformed(field, "%s %s: want a positive integer", what, echo(raw))
	}
	return id, nil
}

// parseInt reads an integer parameter in [lo, hi] (within int32, so it
// fits every integer column), canonical decimal as for parseID but for
// a minus sign when lo < 0.
func parseInt(field, raw string, lo, hi int) (int, error) {
	digits := strings.TrimPrefix(raw, "-")
	if !canonicalDigits(digits, 10) || (digits != raw && (lo >= 0 || digits == "0")) {
		return 0, malformed(field, "%s %s: want an integer from %d to %d, without sign or leading zeros", field, echo(raw), lo, hi)
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < int64(lo) || n > int64(hi) {
		return 0, malformed(field, "%s %s is outside %d..%d", field, echo(raw), lo, hi)
	}
	return int(n), nil
}

// canonicalDigits reports whether s is 1 to maxDigits decimal digits with
// no leading zero (but "0" itself).
func canonicalDigits(s string, maxDigits int) bool {
	if s == "" || len(s) > maxDigits || len(s) > 1 && s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pathID reads the :id path parameter of a proposal route.
func pathID(c *gin.Context) (int64, error) {
	return parseID("id", "proposal id", c.Param("id"))
}

// langAndID reads the ?lang of a proposal route and its {id}.
func langAndID(c *gin.Context) (lang, int64, error) {
	l, err := queryLang(c)
	if err != nil {
		return "", 0, err
	}
	id, err := pathID(c)
	return l, id, err
}

// unknownParams returns one 400 per query parameter of q that is not in
// known, in name order: a misspelt filter (verdcit=CONFLICT) silently
// ignored would answer a question that was not asked.
func unknownParams(q url.Values, known ...string) []error {
	var names []string
	for name := range q {
		if !slices.Contains(known, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	errs := make([]error, 0, len(names))
	for _, name := range names {
		field := name
		switch {
		case field == "":
			field = "(an empty name)"
		case len(field) > 64 || planning.CheckLine("", field, 64) != nil:
			// Not echoed: megabytes, bad UTF-8, a NUL, a control or a
			// bidi character would land in the problem and the log.
			field = "(a long or unprintable name)"
		}
		errs = append(errs, malformed(field, "unknown parameter (want %s)", strings.Join(known, ", ")))
	}
	return errs
}

// noBodyNoParams refuses a body or a query parameter on an action that
// takes neither (cancelling a job): 400 naming what was sent.
func noBodyNoParams(c *gin.Context) error {
	if c.Request.ContentLength > 0 || len(c.Request.TransferEncoding) > 0 {
		return malformed("", "this action takes no body")
	}
	q := c.Request.URL.Query()
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	if len(names) > 0 {
		slices.Sort(names)
		field := names[0]
		if field == "" || len(field) > 64 || !utf8.ValidString(field) {
			field = "(a parameter)"
		}
		return malformed(field, "unknown parameter: this action takes none")
	}
	return nil
}
