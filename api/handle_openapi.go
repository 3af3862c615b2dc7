package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the OpenAPI 3 document of the API. TestOpenAPIMatchesRoutes
// keeps it true to routes.go, both ways, and validates it.
//
//go:embed openapi.json
var openAPIDoc []byte

// handleOpenAPI serves GET /openapi.json.
func (s *server) handleOpenAPI() handlerFunc {
	return func(c *gin.Context) error {
		c.Data(http.StatusOK, contentTypeJSON, openAPIDoc)
		return nil
	}
}
