package api

import (
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// handleWebIndex serves GET /: the web map's index.html from Config.Web.
func (s *server) handleWebIndex() handlerFunc {
	return func(c *gin.Context) error {
		if s.web == nil {
			return &planning.Error{Kind: planning.NotFound, Err: errors.New("no web map is configured: the API is under /v1 and described at /openapi.json")}
		}
		return s.serveWebFile(c, "index.html")
	}
}

// handleNoRoute answers a request that matches no route. A GET or HEAD is
// tried as a file of the web map (its scripts, styles and vendored
// libraries), so the map's files need no route each; anything else is a
// 404 problem.
func (s *server) handleNoRoute() handlerFunc {
	return func(c *gin.Context) error {
		p := c.Request.URL.Path
		if s.web != nil && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) && !strings.HasPrefix(p, "/v1/") {
			name := strings.TrimPrefix(path.Clean(p), "/")
			if fs.ValidPath(name) && name != "." {
				if err := s.serveWebFile(c, name); planning.KindOf(err) != planning.NotFound {
					return err
				}
			}
		}
		return &planning.Error{Kind: planning.NotFound, Err: fmt.Errorf("no route %s %s", c.Request.Method, p)}
	}
}

// serveWebFile writes one file of the web map, NotFound if it is missing
// or a directory.
func (s *server) serveWebFile(c *gin.Context, name string) error {
	data, err := fs.ReadFile(s.web, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) || isDirErr(s.web, name) {
			return &planning.Error{Kind: planning.NotFound, Err: fmt.Errorf("no file %s", name)}
		}
		return fmt.Errorf("read web file %s: %w", name, err)
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, ct, data)
	return nil
}

func isDirErr(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.IsDir()
}
