package api

import (
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// NewHandler returns the HTTP handler of the API: every route of routes.go
// over svc, with request IDs, structured access logs, Prometheus metrics and
// RFC 9457 problems for every error, unknown routes included. It keeps no
// global state, so tests may build as many as they like.
func NewHandler(log *slog.Logger, cfg Config, svc *planning.Service) http.Handler {
	return newEngine(log, cfg, svc)
}

// server holds what the handlers share.
type server struct {
	log     *slog.Logger
	cfg     Config
	svc     *planning.Service
	metrics *metrics
	web     fs.FS
	now     func() time.Time

	reportTmpl *template.Template
	reportErr  error // a template bug: the HTML report answers 500
	letterTmpl *template.Template
	letterErr  error // a template bug: the decision letter answers 500
}

func newEngine(log *slog.Logger, cfg Config, svc *planning.Service) *gin.Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &server{log: log, cfg: cfg, svc: svc, metrics: newMetrics(log, cfg.PoolStats), web: cfg.Web, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	s.reportTmpl, s.reportErr = parseReportTemplate()
	if s.reportErr != nil {
		log.Error("parse report template", "err", s.reportErr)
	}
	s.letterTmpl, s.letterErr = parsePage("decision_letter.html.tmpl")
	if s.letterErr != nil {
		log.Error("parse decision letter template", "err", s.letterErr)
	}

	// gin's debug mode prints every route as plain text to stdout, which
	// would break the JSON log; tests and GIN_MODE=release choose otherwise.
	if gin.Mode() == gin.DebugMode {
		gin.SetMode(gin.ReleaseMode)
	}
	// gin.New, not gin.Default: our own recovery and access log replace
	// gin's plain-text ones.
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.Use(withRequestID(), withAccessLog(log, s.metrics), withRecovery(log),
		withSecurityHeaders(), withCORS(cfg.CORSOrigins), withInFlightLimit(log, cfg.MaxInFlight),
		withDeadlines(cfg), withAuth(s))
	s.routes(e)
	e.NoRoute(wrap(log, s.handleNoRoute()))
	e.NoMethod(wrap(log, func(c *gin.Context) error {
		return &httpError{status: http.StatusMethodNotAllowed, msg: "method " + c.Request.Method + " not allowed here"}
	}))
	return e
}

// handlerFunc is a handler that returns its error for wrap to write.
type handlerFunc func(c *gin.Context) error

// wrap adapts a handlerFunc to gin and writes every error as a problem.
func wrap(log *slog.Logger, h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			writeError(c, log, err)
		}
	}
}
