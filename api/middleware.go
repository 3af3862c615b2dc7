package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// headerRequestID carries the request ID in and out.
const headerRequestID = "X-Request-ID"

type ctxKey int

const keyRequestID ctxKey = iota

// ginKeyRequestID is where the request ID is kept in the gin context.
const ginKeyRequestID = "request_id"

// requestID returns the ID given to the request by withRequestID.
func requestID(c *gin.Context) string {
	return c.GetString(ginKeyRequestID)
}

// RequestIDFrom returns the request ID stored in ctx by the API's
// middleware, or "" outside a request. Services that log can use it to tie
// their lines to the request's.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// withRequestID takes the caller's X-Request-ID when it is a sane token
// (so a proxy's ID threads through the logs) and otherwise makes one, then
// echoes it in the response.
func withRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Set(ginKeyRequestID, id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), keyRequestID, id))
		c.Header(headerRequestID, id)
		c.Next()
	}
}

// validRequestID accepts 1 to 128 characters of [A-Za-z0-9._:-]: enough for
// UUIDs and trace IDs, and nothing that could forge a log line or header.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '-', b == '_', b == '.', b == ':':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// withAccessLog logs one structured line per request, and times it for the
// per-route latency histogram.
func withAccessLog(log *slog.Logger, m *metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		elapsed := time.Since(start)
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		m.observeRequest(c.Request.Method, route, status, elapsed)
		level := slog.LevelInfo
		switch {
		case status >= http.StatusInternalServerError:
			level = slog.LevelError
		case status >= http.StatusBadRequest:
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", status),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", c.ClientIP()),
		}
		if v, ok := c.Get(ginKeyPrincipal); ok {
			if p, ok := v.(planning.Principal); ok {
				attrs = append(attrs, slog.String("user", p.Name), slog.String("org", p.Org))
			}
		}
		if len(c.Errors) > 0 {
			attrs = append(attrs, slog.String("errors", c.Errors.String()))
		}
		log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}

// withRecovery turns a panic in a handler into a logged 500 problem, so a
// bug never answers with gin's plain-text page or a dropped connection.
func withRecovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			writeError(c, log, fmt.Errorf("panic: %v", rec))
		}()
		c.Next()
	}
}

// contentSecurityPolicy fits the web map and the HTML report: scripts and
// style sheets only from the server itself (the map's Leaflet is
// vendored), inline style attributes (the map's legend swatches, the
// report's <style> and SVG), images from the server and data: URLs (the
// blank favicon), fetch only to the API, no plugins, and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// withSecurityHeaders sets the headers that keep a browser from sniffing
// types, framing the pages, loading foreign code or leaking the URL of a
// proposal as a referrer.
func withSecurityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		c.Next()
	}
}

// withCORS lets browsers on the configured origins call the API: for
// those exact origins (never "*", and never with credentials) it answers
// preflights and names the origin in Access-Control-Allow-Origin. With
// no origins configured it adds nothing, and browsers keep the API
// same-origin.
func withCORS(origins []string) gin.HandlerFunc {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	return func(c *gin.Context) {
		if len(allowed) == 0 {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Add("Vary", "Origin")
		origin := c.GetHeader("Origin")
		if !allowed[origin] {
			c.Next()
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "X-Request-ID, Location, Retry-After")
		c.Next()
	}
}

// withInFlightLimit answers 503 (with Retry-After) at once when max
// requests are being served already, so that a burst queues neither in
// the server nor in the database pool. The probes and the metrics are
// exempt: an overloaded server is alive, and it should be seen to be.
func withInFlightLimit(log *slog.Logger, max int) gin.HandlerFunc {
	if max <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	slots := make(chan struct{}, max)
	return func(c *gin.Context) {
		switch c.Request.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			c.Next()
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			c.Next()
		default:
			writeError(c, log, &httpError{status: http.StatusServiceUnavailable,
				msg: fmt.Sprintf("the server is busy with %d requests; try again later", max)})
		}
	}
}

// routeClass sorts routes by how long their bodies may take.
type routeClass int

const (
	classPlain  routeClass = iota // small bodies and answers
	classUpload                   // POST /v1/layers, attachments: up to MaxLayerBytes in
	classStream                   // streamed exports: large answers out
)

var routeClasses = map[string]routeClass{
	"POST /v1/layers":                        classUpload,
	"POST /v1/proposals/:id/attachments":     classUpload,
	"GET /v1/layers/:file":                   classStream,
	"GET /v1/proposals.geojson":              classStream,
	"GET /v1/proposals/:id/findings.geojson": classStream,
	"GET /v1/coverage/:id":                   classStream,
}

// withDeadlines sets each request's read and write deadlines on its
// connection (http.ResponseController), by route: the body of a plain
// request must arrive within ReadTimeout and its answer within
// WriteTimeout; an upload has UploadTimeout for both and must keep up
// UploadMinRate after its first ReadTimeout; a streamed export has
// StreamTimeout to be written. Once the body has been read, the read
// deadline is lifted: net/http cancels the request's context when a read
// deadline passes while the handler still works.
func withDeadlines(cfg Config) gin.HandlerFunc {
	return func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		now := time.Now()
		class := routeClasses[c.Request.Method+" "+c.FullPath()]
		write := cfg.WriteTimeout
		switch class {
		case classUpload:
			write = cfg.UploadTimeout
		case classStream:
			write = cfg.StreamTimeout
		}
		// Errors mean the writer has no connection (a recorder in tests,
		// an in-process call): there is nothing to bound.
		_ = rc.SetWriteDeadline(now.Add(write))
		if c.Request.Body == nil || c.Request.Body == http.NoBody {
			_ = rc.SetReadDeadline(time.Time{})
			c.Next()
			return
		}
		b := &deadlineBody{body: c.Request.Body, rc: rc, start: now, grace: cfg.ReadTimeout, last: now.Add(cfg.ReadTimeout)}
		if class == classUpload {
			b.rate = cfg.UploadMinRate
			b.last = now.Add(cfg.UploadTimeout)
		}
		_ = rc.SetReadDeadline(b.deadline())
		c.Request.Body = b
		c.Next()
	}
}

// deadlineBody moves the read deadline of a request body as it arrives:
// with a minimum rate, each byte buys 1/rate seconds more, up to last;
// without, the deadline stays at start+grace. At the end of the body the
// deadline is lifted.
type deadlineBody struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	rate  int64     // bytes per second; 0: no rate, a fixed deadline
	last  time.Time // the latest deadline
	n     int64
	done  bool
}

func (b *deadlineBody) deadline() time.Time {
	d := b.start.Add(b.grace)
	if b.rate > 0 {
		d = d.Add(time.Duration(float64(b.n) / float64(b.rate) * float64(time.Second)))
	}
	if d.After(b.last) {
		d = b.last
	}
	return d
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.n += int64(n)
	switch {
	case err == io.EOF && !b.done:
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	case n > 0 && b.rate > 0:
		_ = b.rc.SetReadDeadline(b.deadline())
	}
	return n, err
}

func (b *deadlineBody) Close() error { return b.body.Close() }
