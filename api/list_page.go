package api

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// listPage reads ?limit= and ?offset= of a list newest first (any other
// parameter is refused).
func listPage(q url.Values) (planning.ListPage, error) {
	var pg planning.ListPage
	errs := unknownParams(q, "limit", "offset")
	for _, p := range []struct {
		name   string
		lo, hi int
		target *int
	}{{"limit", 1, MaxPageLimit, &pg.Limit}, {"offset", 0, planning.MaxListOffset, &pg.Offset}} {
		v, err := queryParam(q, p.name, maxParamChars)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if v != "" {
			n, err := parseInt(p.name, v, p.lo, p.hi)
			if err != nil {
				errs = append(errs, err)
			}
			*p.target = n
		}
	}
	return pg, errors.Join(errs...)
}

// listOut is a page of a list newest first.
type listOut[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// writePage answers 200 with a page of items (each made by conv), the
// total and the page's limit and offset.
func writePage[T, O any](c *gin.Context, pg planning.ListPage, items []T, total int, conv func(T) O) {
	out := listOut[O]{Items: make([]O, 0, len(items)), Total: total, Limit: pg.Limit, Offset: pg.Offset}
	if out.Limit == 0 {
		out.Limit = planning.DefaultPageSize
	}
	for _, x := range items {
		out.Items = append(out.Items, conv(x))
	}
	c.Header("Cache-Control", "no-store")
	writeJSON(c, http.StatusOK, contentTypeJSON, out)
}
