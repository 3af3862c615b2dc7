package api

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// access is who may call one route.
type access struct {
	open  bool            // no token needed
	roles []planning.Role // a principal needs one of them
	// proposal: the route names a proposal (:id), which the caller must be
	// allowed to see (planning.CanSee on its case); one it may not see is
	// answered 404, exactly as one that does not exist.
	proposal bool
}

var (
	carrier  = planning.RoleCarrier
	reviewer = planning.RoleReviewer
	analyst  = planning.RoleAnalyst
	admin    = planning.RoleAdmin

	openRoute = access{open: true}
	anyone    = []planning.Role{carrier, reviewer, analyst, admin}
)

// accessRules is THE role × endpoint table, keyed by method and gin route
// template. withAuth enforces it for every route; a route that is not in
// it is refused to everyone, and TestAccessTableCoversRoutes fails. What a
// role may see within a route (its own carrier's proposals, its province's
// cases, public decisions) is the service's and the lists' business:
// planning.CanSee, Review, scopeProposals.
//
//   - carrier: checks; submits its own organization's proposals and acts
//     on its own cases (withdraw, resubmit documents); reads its own
//     proposals and cases, and decided (public) ones; computes coverage;
//     reports an approved site built; manages its organization's webhooks.
//   - reviewer: reads every case of its province; starts reviews, asks for
//     documents, signs for its authority and decides (lead authority);
//     manages its authority's webhooks and areas of interest.
//   - analyst: reads everything public (layers, sites, coverage, gap
//     analyses, decided cases) and runs gap analyses; writes nothing.
//   - carrier, analyst and admin: best-site searches (a carrier for its
//     own organization only; only a carrier adopts a location).
//   - admin: everything, and alone imports layers and sites. DEMs and
//     users are managed from the CLI, which has no route.
var accessRules = map[string]access{
	"GET /":             openRoute,
	"GET /healthz":      openRoute,
	"GET /readyz":       openRoute,
	"GET /openapi.json": openRoute,
	// Signing in checks the token it is given; signing out drops a cookie.
	"POST /v1/session":   openRoute,
	"GET /v1/session":    {roles: anyone},
	"DELETE /v1/session": openRoute,
	// The metrics name routes and counts, not data, but say how busy each
	// carrier's tools are: admins and analysts only.
	"GET /metrics": {roles: []planning.Role{admin, analyst}},

	// A check stores nothing: any role may ask one.
	"POST /v1/checks": {roles: anyone},

	"POST /v1/proposals":                        {roles: []planning.Role{carrier, admin}},
	"GET /v1/proposals":                         {roles: []planning.Role{carrier, reviewer, admin}},
	"GET /v1/proposals.geojson":                 {roles: []planning.Role{carrier, reviewer, admin}},
	"GET /v1/proposals/:id":                     {roles: anyone, proposal: true},
	"GET /v1/proposals/:id/assessment":          {roles: anyone, proposal: true},
	"GET /v1/proposals/:id/report":              {roles: anyone, proposal: true},
	"GET /v1/proposals/:id/report.html":         {roles: anyone, proposal: true},
	"GET /v1/proposals/:id/findings.geojson":    {roles: anyone, proposal: true},
	"GET /v1/proposals/:id/coverage":            {roles: anyone, proposal: true},
	"GET /v1/proposals/:id/case":                {roles: anyone, proposal: true},
	"POST /v1/proposals/:id/actions":            {roles: []planning.Role{carrier, reviewer}, proposal: true},
	"POST /v1/proposals/:id/signatures":         {roles: []planning.Role{reviewer}, proposal: true},
	"POST /v1/proposals/:id/decisions":          {roles: []planning.Role{reviewer}, proposal: true},
	"GET /v1/cases":                             {roles: anyone},
	"POST /v1/coverage":                         {roles: []planning.Role{carrier, reviewer, admin}},
	"GET /v1/coverage/:id":                      {roles: anyone},
	"GET /v1/coverage/:id/legend.png":           {roles: anyone},
	"GET /v1/sites":                             {roles: anyone},
	"POST /v1/sites":                            {roles: []planning.Role{admin}},
	"POST /v1/gap-analyses":                     {roles: []planning.Role{analyst, admin}},
	"GET /v1/gap-analyses":                      {roles: anyone},
	"GET /v1/gap-analyses/:id":                  {roles: anyone},
	"GET /v1/gap-analyses/:id/villages":         {roles: anyone},
	"GET /v1/gap-analyses/:id/villages.geojson": {roles: anyone},
	"GET /v1/gap-analyses/:id/gaps.geojson":     {roles: anyone},
	"POST /v1/gap-analyses/:id/cancel":          {roles: []planning.Role{analyst, admin}},
	"POST /v1/gap-lists":                        {roles: []planning.Role{admin}},
	"GET /v1/layers":                            {roles: anyone},
	"POST /v1/layers":                           {roles: []planning.Role{admin}},
	"GET /v1/layers/:file":                      {roles: anyone},

	// A case's papers: its carrier and the reviewers (planning.CanSeeDocuments
	// answers 404 to another carrier, even once the decision is public).
	// Conditions: a reviewer marks them met or waived, the carrier reports
	// evidence. The decision letter is as public as the decision.
	"POST /v1/proposals/:id/comments":            {roles: []planning.Role{carrier, reviewer}, proposal: true},
	"GET /v1/proposals/:id/comments":             {roles: []planning.Role{carrier, reviewer, admin}, proposal: true},
	"POST /v1/proposals/:id/attachments":         {roles: []planning.Role{carrier, reviewer}, proposal: true},
	"GET /v1/proposals/:id/attachments":          {roles: []planning.Role{carrier, reviewer, admin}, proposal: true},
	"GET /v1/proposals/:id/attachments/:aid":     {roles: []planning.Role{carrier, reviewer, admin}, proposal: true},
	"POST /v1/proposals/:id/conditions/:cid":     {roles: []planning.Role{carrier, reviewer}, proposal: true},
	"GET /v1/proposals/:id/decision-letter.html": {roles: anyone, proposal: true},

	// A carrier searches for and reads its own carrier's searches (another
	// carrier's is 404: planning.CanSeeSearch); analysts and admins any.
	"POST /v1/site-searches":                           {roles: []planning.Role{carrier, analyst, admin}},
	"GET /v1/site-searches":                            {roles: []planning.Role{carrier, analyst, admin}},
	"GET /v1/site-searches/:id":                        {roles: []planning.Role{carrier, analyst, admin}},
	"GET /v1/site-searches/:id/locations.geojson":      {roles: []planning.Role{carrier, analyst, admin}},
	"POST /v1/site-searches/:id/locations/:rank/adopt": {roles: []planning.Role{carrier}},
	"POST /v1/site-searches/:id/cancel":                {roles: []planning.Role{carrier, analyst, admin}},
	// Webhooks belong to an organization: its carriers, reviewers and
	// admins manage them (an admin every organization's); an analyst
	// writes nothing. Another organization's webhook is 404.
	"POST /v1/webhooks":               {roles: []planning.Role{carrier, reviewer, admin}},
	"GET /v1/webhooks":                {roles: []planning.Role{carrier, reviewer, admin}},
	"DELETE /v1/webhooks/:id":         {roles: []planning.Role{carrier, reviewer, admin}},
	"GET /v1/webhooks/:id/deliveries": {roles: []planning.Role{carrier, reviewer, admin}},
	// Areas of interest are an authority's: its reviewers and admins
	// (planning refuses a carrier organization's with 403).
	"POST /v1/areas-of-interest":       {roles: []planning.Role{reviewer, admin}},
	"GET /v1/areas-of-interest":        {roles: []planning.Role{reviewer, admin}},
	"DELETE /v1/areas-of-interest/:id": {roles: []planning.Role{reviewer, admin}},
	// Public decisions: open, and only decided cases.
	"GET /v1/decisions":     openRoute,
	"GET /v1/decisions/:id": openRoute,
}

// checkProposalVisible answers a proposal that the caller may not see as
// not found, with the same words as one that does not exist. An id that is
// not a number, or a proposal that does not exist, is left to the handler.
func (s *server) checkProposalVisible(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return nil
	}
	ctx := c.Request.Context()
	prop, err := s.svc.Proposal(ctx, id)
	switch {
	case planning.KindOf(err) == planning.NotFound:
		return nil
	case err != nil:
		return err
	}
	cs, err := s.caseOf(ctx, prop)
	if err != nil {
		return err
	}
	if !planning.CanSee(principal(c), cs) {
		return &planning.Error{Kind: planning.NotFound, Err: fmt.Errorf("proposal %d not found", id)}
	}
	return nil
}

// caseOf returns the case of prop (one made from prop without a review
// service).
func (s *server) caseOf(ctx context.Context, prop planning.Proposal) (planning.Case, error) {
	if s.cfg.Review == nil {
		return planning.ProposalCase(prop), nil
	}
	return s.cfg.Review.CaseOfProposal(ctx, prop)
}

// scopeProposals narrows a proposal list to what p may see: a carrier its
// own organization's, a reviewer of one province that province's. It
// returns false when the caller asked for proposals it may not see at all
// (another carrier's): the answer is then an empty list.
func scopeProposals(p planning.Principal, f *planning.ProposalFilter) bool {
	switch {
	case p.Has(admin) || (p.Has(reviewer) && p.Province == ""):
		return true
	case p.Has(reviewer):
		if f.AdminUnit == "" {
			f.AdminUnit = p.Province
		}
		return f.AdminUnit == p.Province
	case p.Has(carrier):
		if f.Carrier != "" && f.Carrier != p.Org {
			return false
		}
		f.Carrier = p.Org
		return true
	}
	return false
}
