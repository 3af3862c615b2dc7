package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// readyTimeout bounds the readiness probe: a database that takes longer
// is not ready for traffic.
const readyTimeout = 2 * time.Second

type healthOut struct {
	Status string `json:"status"`
}

// handleHealthz serves GET /healthz: the process is up. It looks at no
// dependency, so a database outage does not get the process restarted.
func (s *server) handleHealthz() handlerFunc {
	return func(c *gin.Context) error {
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeJSON, healthOut{Status: "ok"})
		return nil
	}
}

// handleReadyz serves GET /readyz: the database is reachable (Config.Ready).
func (s *server) handleReadyz() handlerFunc {
	return func(c *gin.Context) error {
		c.Header("Cache-Control", "no-store")
		if s.cfg.Ready != nil {
			ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
			defer cancel()
			if err := s.cfg.Ready(ctx); err != nil {
				return &planning.Error{Op: "ready", Kind: planning.Unavailable, Err: err}
			}
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, healthOut{Status: "ok"})
		return nil
	}
}
