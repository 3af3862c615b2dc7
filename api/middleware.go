package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
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
