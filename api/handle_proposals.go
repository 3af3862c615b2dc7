package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// proposalCreated is the body of 201 Created.
type proposalCreated struct {
	ID         int64            `json:"id"`
	Proposal   *geojson.Feature `json:"proposal"`
	Assessment assessmentOut    `json:"assessment"`
}

// handleSubmit serves POST /v1/proposals: store the site as a new proposal
// revision, assess it, and answer 201 with its ID and assessment. The same
// content submitted again is 409 naming the existing proposal.
func (s *server) handleSubmit() handlerFunc {
	return func(c *gin.Context) error {
		l, err := queryLang(c)
		if err != nil {
			return err
		}
		site, err := s.readSite(c)
		if err != nil {
			return err
		}
		p, a, replayed, err := s.submit(c, site)
		if err != nil {
			return err // a duplicate names its proposal (planning.DuplicateOf)
		}
		if replayed {
			c.Header("Idempotent-Replayed", "true")
		} else {
			s.metrics.countAssessment("submit", a.Verdict)
		}
		c.Header("Location", newProposalLinks(p.ID).Self)
		writeJSON(c, http.StatusCreated, contentTypeJSON, proposalCreated{
			ID:         p.ID,
			Proposal:   proposalFeature(p),
			Assessment: newAssessmentOut(a, l),
		})
		return nil
	}
}

// submit stores site for the caller: a carrier only for its own
// organization (403 otherwise), an admin for any carrier, on its behalf.
// With a review service the submission opens or revises the site's case,
// and an Idempotency-Key makes a retry return the first result (replayed);
// the request hash is the site's content hash, so the same key with other
// content is refused.
func (s *server) submit(c *gin.Context, site planning.Site) (planning.Proposal, planning.Assessment, bool, error) {
	ctx := c.Request.Context()
	who := principal(c)
	if !who.Has(admin) && site.Carrier != who.Org {
		return planning.Proposal{}, planning.Assessment{}, false, &planning.Error{Op: "submit", Kind: planning.Forbidden,
			Field: "/properties/carrier", Err: fmt.Errorf("a carrier submits only for its own organization (%s)", who.Org)}
	}
	if s.cfg.Review == nil {
		p, a, err := s.svc.Submit(ctx, site)
		return p, a, false, err
	}
	if who.Has(admin) && !who.Has(carrier) {
		who = planning.Principal{UserID: who.UserID, Name: who.Name, Org: site.Carrier, OrgKind: "carrier",
			Roles: []planning.Role{carrier}, TokenID: who.TokenID}
	}
	res, err := s.cfg.Review.Submit(ctx, who, site, planning.RequestMeta{RequestID: requestID(c),
		IdempotencyKey: c.GetHeader("Idempotency-Key"), RequestHash: planning.SiteHash(site)})
	return res.Proposal, res.Assessment, res.Replayed, err
}

// proposalPage is one page of a list.
type proposalPage struct {
	Items  []*geojson.Feature `json:"items"`
	Total  int                `json:"total"`
	Limit  int                `json:"limit"`
	Offset int                `json:"offset"`
	Next   string             `json:"next,omitempty"`
	Prev   string             `json:"prev,omitempty"`
}

// handleListProposals serves GET /v1/proposals.
func (s *server) handleListProposals() handlerFunc {
	return func(c *gin.Context) error {
		f, err := proposalFilter(c.Request.URL.Query())
		if err != nil {
			return err
		}
		ps, total, err := s.listProposals(c.Request.Context(), f)
		if err != nil {
			return err
		}
		page := proposalPage{Items: make([]*geojson.Feature, 0, len(ps)), Total: total, Limit: f.Limit, Offset: f.Offset}
		for _, p := range ps {
			page.Items = append(page.Items, proposalFeature(p))
		}
		page.Next, page.Prev = pageLinks(c.Request.URL, f, total)
		writeJSON(c, http.StatusOK, contentTypeJSON, page)
		return nil
	}
}

// handleProposalsGeoJSON serves GET /v1/proposals.geojson: the same
// filters and paging as the list, as a FeatureCollection for QGIS.
func (s *server) handleProposalsGeoJSON() handlerFunc {
	return func(c *gin.Context) error {
		f, err := proposalFilter(c.Request.URL.Query())
		if err != nil {
			return err
		}
		ps, total, err := s.listProposals(c.Request.Context(), f)
		if err != nil {
			return err
		}
		fs, err := ProposalFeatures(c.Request.Context(), s.cfg.Coverage, ps)
		if err != nil {
			return err
		}
		fc := geojson.NewFeatureCollection()
		fc.Features = fs
		// Foreign members (RFC 7946 §6.1) say which page this is.
		fc.ExtraMembers = geojson.Properties{"total": total, "limit": f.Limit, "offset": f.Offset}
		next, prev := pageLinks(c.Request.URL, f, total)
		if next != "" {
			fc.ExtraMembers["next"] = next
		}
		if prev != "" {
			fc.ExtraMembers["prev"] = prev
		}
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, fc)
		return nil
	}
}

// listProposals asks the service for a page. Its Invalid errors are all
// about query parameters, so they are answered 400 like the ones the API
// finds itself.
func (s *server) listProposals(ctx context.Context, f planning.ProposalFilter) ([]planning.Proposal, int, error) {
	if p, _ := principalFrom(ctx); !scopeProposals(p, &f) {
		return nil, 0, nil
	}
	ps, total, err := s.svc.Proposals(ctx, f)
	if err != nil && planning.KindOf(err) == planning.Invalid {
		return nil, 0, &planning.Error{Kind: planning.Invalid, Err: fmt.Errorf("%w: %w", errMalformed, err)}
	}
	return ps, total, err
}

// proposalFilter reads the list's query parameters. It checks their form
// (each given at most once, text one line within its limit, numbers
// canonical and in range, bbox four finite numbers); the service checks
// the values (status, verdict, bbox ranges).
func proposalFilter(q url.Values) (planning.ProposalFilter, error) {
	f := planning.ProposalFilter{Limit: DefaultPageLimit}
	errs := unknownParams(q, "carrier", "status", "verdict", "admin_unit", "bbox", "limit", "offset")
	text := func(name string, maxChars int) string {
		v, err := queryParam(q, name, maxChars)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	f.Carrier = text("carrier", planning.MaxCodeChars)
	f.Status = planning.Status(text("status", planning.MaxCodeChars))
	f.Verdict = planning.Verdict(strings.ToUpper(text("verdict", planning.MaxCodeChars)))
	f.AdminUnit = text("admin_unit", planning.MaxCodeChars)
	if v := text("limit", maxParamChars); v != "" {
		n, err := parseInt("limit", v, 1, MaxPageLimit)
		if err != nil {
			errs = append(errs, err)
		}
		f.Limit = n
	}
	if v := text("offset", maxParamChars); v != "" {
		n, err := parseInt("offset", v, 0, planning.MaxListOffset)
		if err != nil {
			errs = append(errs, err)
		}
		f.Offset = n
	}
	if v := text("bbox", maxParamChars); v != "" || q.Has("bbox") {
		b, err := parseBBox(v)
		if err != nil {
			errs = append(errs, err)
		}
		f.BBox = b
	}
	if len(errs) > 0 {
		return f, &planning.Error{Op: "list proposals", Kind: planning.Invalid, Err: errors.Join(errs...)}
	}
	return f, nil
}

// parseBBox reads "minLon,minLat,maxLon,maxLat": four numbers, which
// planning.CheckLonLatBBox judges (finite, in range, min not above max).
func parseBBox(v string) (*orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, malformed("bbox", "bbox %s: want minLon,minLat,maxLon,maxLat", echo(v))
	}
	var n [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, malformed("bbox", "bbox %s: %s is not a number", echo(v), echo(p))
		}
		n[i] = f
	}
	b := orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	if err := planning.CheckLonLatBBox("bbox", b); err != nil {
		return nil, &planning.Error{Kind: planning.Invalid, Err: fmt.Errorf("%w: %w", errMalformed, err)}
	}
	return &b, nil
}

// pageLinks returns the next and previous pages' URLs (path and query,
// every other parameter kept), or "" where there is none. Offset and limit
// are bounded by proposalFilter and total is a count, so no sum
// overflows; the comparisons are written so that none could.
func pageLinks(u *url.URL, f planning.ProposalFilter, total int) (next, prev string) {
	link := func(offset int) string {
		q := u.Query()
		q.Set("limit", strconv.Itoa(f.Limit))
		q.Set("offset", strconv.Itoa(offset))
		return u.Path + "?" + q.Encode()
	}
	if f.Offset >= 0 && f.Limit > 0 && f.Offset < total && total-f.Offset > f.Limit {
		next = link(f.Offset + f.Limit)
	}
	if f.Offset > 0 {
		prev = link(max(0, f.Offset-f.Limit))
	}
	return next, prev
}

// handleGetProposal serves GET /v1/proposals/{id}.
func (s *server) handleGetProposal() handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		p, err := s.svc.Proposal(c.Request.Context(), id)
		if err != nil {
			return notFound(err, "proposal %d", id)
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, proposalFeature(p))
		return nil
	}
}

// handleGetAssessment serves GET /v1/proposals/{id}/assessment.
func (s *server) handleGetAssessment() handlerFunc {
	return func(c *gin.Context) error {
		l, id, err := langAndID(c)
		if err != nil {
			return err
		}
		a, err := s.svc.Assessment(c.Request.Context(), id)
		if err != nil {
			return notFound(err, "assessment of proposal %d", id)
		}
		out := newAssessmentOut(a, l)
		if out.GapFill, err = s.storedGapFill(c.Request.Context(), a); err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, out)
		return nil
	}
}

// handleFindingsGeoJSON serves GET /v1/proposals/{id}/findings.geojson:
// one feature per finding, whose geometry is the conflicting part of the
// zone (an empty GeometryCollection when the finding has none, as info
// findings do).
func (s *server) handleFindingsGeoJSON() handlerFunc {
	return func(c *gin.Context) error {
		l, id, err := langAndID(c)
		if err != nil {
			return err
		}
		a, err := s.svc.Assessment(c.Request.Context(), id)
		if err != nil {
			return notFound(err, "assessment of proposal %d", id)
		}
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, findingsCollection(id, a, l))
		return nil
	}
}
