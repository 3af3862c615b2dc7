package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Media types written by the API.
const (
	contentTypeJSON    = "application/json; charset=utf-8"
	contentTypeGeoJSON = "application/geo+json"
	contentTypeHTML    = "text/html; charset=utf-8"
)

// writeJSON writes v as JSON with the given status and media type. It does
// not escape <, > and & (the bodies are data, not HTML) and leaves UTF-8 as
// it is, so Vietnamese names come back byte for byte.
func writeJSON(c *gin.Context, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value written is built from our own wire types; a failure
		// here (a NaN that slipped through) is a bug. Say so without
		// leaking the value.
		c.Header("Content-Type", contentTypeProblem)
		c.Status(http.StatusInternalServerError)
		_, _ = c.Writer.WriteString(`{"type":"urn:btsplan:problem:internal","title":"Internal Server Error","status":500,"detail":"internal error"}` + "\n")
		_ = c.Error(err)
		return
	}
	c.Header("Content-Type", contentType)
	c.Status(status)
	_, _ = c.Writer.Write(buf.Bytes())
}
