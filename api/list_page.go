package api

import (
	"errors"
	"net/url"

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
