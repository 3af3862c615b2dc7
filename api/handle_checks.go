package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// handleCheck serves POST /v1/checks: a dry run that assesses the site in
// the body and stores nothing but, with ?with=gap_fill, the coverage it
// computes (cached by inputs) for the gap-fill section it adds; the rules
// on the gap fill then apply to the verdict.
func (s *server) handleCheck() handlerFunc {
	return func(c *gin.Context) error {
		l, err := queryLang(c)
		if err != nil {
			return err
		}
		withFill, err := parseWith(c.Request.URL.Query())
		if err != nil {
			return err
		}
		var fill *planning.GapFillService
		if withFill {
			if fill, err = s.gapFillService(); err != nil {
				return err
			}
		}
		site, err := s.readSite(c)
		if err != nil {
			return err
		}
		a, err := s.svc.Check(c.Request.Context(), site)
		if err != nil {
			return err
		}
		var gf *gapFillOut
		if withFill {
			g, err := fill.Check(c.Request.Context(), site, a.Province)
			if err != nil {
				return err
			}
			// The rules on the gap fill apply at once (consider sharing…).
			a = s.svc.ApplyGapFill(a, site, g)
			o := newGapFillOut(g)
			gf = &o
		}
		out := newAssessmentOut(a, l)
		out.GapFill = gf
		s.metrics.countAssessment("check", a.Verdict)
		writeJSON(c, http.StatusOK, contentTypeJSON, out)
		return nil
	}
}

// readSite reads and decodes a site body within the body limit. When the
// body has the wrong shape it also runs the service's validation on what
// could be read, so that the caller learns of every mistake at once, not
// one per round trip; a field already reported is not reported twice.
func (s *server) readSite(c *gin.Context) (planning.Site, error) {
	if err := checkJSONContentType(c); err != nil {
		return planning.Site{}, err
	}
	body, err := readBody(c, s.cfg.MaxBodyBytes)
	if err != nil {
		return planning.Site{}, err
	}
	var in siteFeatureIn
	if err := decodeJSON(body, &in); err != nil {
		return planning.Site{}, err // unreadable, or partly read: nothing to validate
	}
	site, err := in.site()
	if err == nil {
		return site, nil
	}
	reported := map[string]bool{}
	for _, f := range planning.Fields(err) {
		reported[f] = true
	}
	errs := []error{err}
	for _, ve := range fieldErrors(s.svc.ValidateSite(site)) {
		if !reported[ve.Field] && !coveredBy(ve.Field, reported) {
			errs = append(errs, ve)
		}
	}
	return planning.Site{}, &planning.Error{Op: "read site", Kind: planning.Invalid, Err: errors.Join(errs...)}
}

// fieldErrors returns the *planning.Error leaves with a Field in err's tree.
func fieldErrors(err error) []*planning.Error {
	var out []*planning.Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*planning.Error); ok && e.Field != "" {
			out = append(out, e)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// coveredBy reports whether field lies under (or above) a field already
// reported: a missing /geometry makes /geometry/coordinates moot.
func coveredBy(field string, reported map[string]bool) bool {
	for r := range reported {
		if len(field) > len(r) && field[:len(r)] == r && field[len(r)] == '/' {
			return true
		}
		if len(r) > len(field) && r[:len(field)] == field && r[len(field)] == '/' {
			return true
		}
	}
	return false
}
