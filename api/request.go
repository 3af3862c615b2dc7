package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
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
		return nil, malformed("", "read body: %v", err)
	}
	return body, nil
}

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: the limit is %d bytes", errTooLarge, limit)
}

// checkJSONContentType accepts a JSON body sent as application/json,
// application/geo+json, or with no Content-Type at all (curl -d sends a
// form type, which we also tolerate: the body is what counts).
func checkJSONContentType(c *gin.Context) error {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return malformed("Content-Type", "invalid Content-Type %q", ct)
	}
	switch {
	case mt == "application/json", mt == "application/geo+json", strings.HasSuffix(mt, "+json"),
		mt == "application/x-www-form-urlencoded", mt == "text/plain":
		return nil
	}
	return &httpError{status: http.StatusUnsupportedMediaType,
		msg: fmt.Sprintf("Content-Type %q: send application/json or application/geo+json", mt)}
}

// queryLang reads ?lang: vi (the default) or en.
func queryLang(c *gin.Context) (lang, error) {
	switch v := c.Query("lang"); v {
	case "", "vi":
		return langVI, nil
	case "en":
		return langEN, nil
	default:
		return "", malformed("lang", "lang %q: want vi or en", v)
	}
}

// pathID reads the :id path parameter: a positive integer.
func pathID(c *gin.Context) (int64, error) {
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, malformed("id", "proposal id %q: want a positive integer", raw)
	}
	return id, nil
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
