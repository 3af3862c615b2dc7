package api

import (
	"context"

	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// ProposalFeatures returns the GeoJSON features of ps as GET
// /v1/proposals.geojson writes them, with the coverage properties of those
// that cov has a stored coverage for (cov may be nil): the wire form of a
// proposal, for callers of the service that write GeoJSON themselves
// (btsplan export). Errors: cov's.
func ProposalFeatures(ctx context.Context, cov *planning.CoverageService, ps []planning.Proposal) ([]*geojson.Feature, error) {
	fs := make([]*geojson.Feature, len(ps))
	for i, p := range ps {
		fs[i] = proposalFeature(p)
	}
	s := &server{cfg: Config{Coverage: cov}}
	if err := s.addCoverageProperties(ctx, fs, ps); err != nil {
		return nil, err
	}
	return fs, nil
}

// FindingsCollection returns the findings of assessment a of proposal
// proposalID as GET /v1/proposals/{id}/findings.geojson writes them, with
// Vietnamese messages.
func FindingsCollection(proposalID int64, a planning.Assessment) *geojson.FeatureCollection {
	return findingsCollection(proposalID, a, langVI)
}

// findingsCollection is one feature per finding, whose geometry is the
// conflicting part of the zone (an empty GeometryCollection when the
// finding has none, as info findings do), with the proposal, verdict and
// rule-set version as foreign members.
func findingsCollection(proposalID int64, a planning.Assessment, l lang) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for i, f := range a.Findings {
		fc.Append(findingFeature(proposalID, i+1, f, l))
	}
	fc.ExtraMembers = geojson.Properties{
		"proposal_id":      proposalID,
		"verdict":          string(a.Verdict),
		"rule_set_version": a.RuleSetVersion,
	}
	return fc
}
