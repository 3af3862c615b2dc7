// Package planningtest holds fakes of planning's store interfaces, built
// from function fields: a test sets the functions it expects to be called,
// and a call to one it did not set returns an Internal error naming it, so
// an unexpected store call fails the test instead of passing silently.
//
// Like planning, it imports no gin, pgx, net/http or btsplan/data.
package planningtest

import (
	"context"
	"io"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

func unset(method string) error {
	return planning.Errorf(planning.Internal, "planningtest: %s called but not set", method)
}

// ZoneStore is a fake planning.ZoneStore.
type ZoneStore struct {
	ZonesNearFunc            func(ctx context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error)
	CurrentLayerVersionsFunc func(ctx context.Context) (map[string]int, error)
	ConflictGeometryFunc     func(ctx context.Context, zoneID int64, loc orb.Point, footprint orb.Polygon, radiusM float64) (orb.Geometry, error)
}

var _ planning.ZoneStore = (*ZoneStore)(nil)

// ZonesNear calls ZonesNearFunc.
func (s *ZoneStore) ZonesNear(ctx context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error) {
	if s.ZonesNearFunc == nil {
		return nil, unset("ZoneStore.ZonesNear")
	}
	return s.ZonesNearFunc(ctx, q)
}

// CurrentLayerVersions calls CurrentLayerVersionsFunc.
func (s *ZoneStore) CurrentLayerVersions(ctx context.Context) (map[string]int, error) {
	if s.CurrentLayerVersionsFunc == nil {
		return nil, unset("ZoneStore.CurrentLayerVersions")
	}
	return s.CurrentLayerVersionsFunc(ctx)
}

// ConflictGeometry calls ConflictGeometryFunc.
func (s *ZoneStore) ConflictGeometry(ctx context.Context, zoneID int64, loc orb.Point, footprint orb.Polygon, radiusM float64) (orb.Geometry, error) {
	if s.ConflictGeometryFunc == nil {
		return nil, unset("ZoneStore.ConflictGeometry")
	}
	return s.ConflictGeometryFunc(ctx, zoneID, loc, footprint, radiusM)
}

// AdminStore is a fake planning.AdminStore.
type AdminStore struct {
	UnitsAtFunc func(ctx context.Context, p orb.Point, at time.Time) ([]planning.AdminUnit, error)
}

var _ planning.AdminStore = (*AdminStore)(nil)

// UnitsAt calls UnitsAtFunc.
func (s *AdminStore) UnitsAt(ctx context.Context, p orb.Point, at time.Time) ([]planning.AdminUnit, error) {
	if s.UnitsAtFunc == nil {
		return nil, unset("AdminStore.UnitsAt")
	}
	return s.UnitsAtFunc(ctx, p, at)
}

// OrgStore is a fake planning.OrgStore.
type OrgStore struct {
	OrganizationFunc func(ctx context.Context, code string) (planning.Organization, error)
}

var _ planning.OrgStore = (*OrgStore)(nil)

// Organization calls OrganizationFunc.
func (s *OrgStore) Organization(ctx context.Context, code string) (planning.Organization, error) {
	if s.OrganizationFunc == nil {
		return planning.Organization{}, unset("OrgStore.Organization")
	}
	return s.OrganizationFunc(ctx, code)
}

// Orgs returns an OrganizationFunc that knows exactly orgs, by code, and
// returns NotFound for any other code.
func Orgs(orgs ...planning.Organization) func(ctx context.Context, code string) (planning.Organization, error) {
	m := map[string]planning.Organization{}
	for _, o := range orgs {
		m[o.Code] = o
	}
	return func(_ context.Context, code string) (planning.Organization, error) {
		if o, ok := m[code]; ok {
			return o, nil
		}
		return planning.Organization{}, planning.Errorf(planning.NotFound, "organization %q not found", code)
	}
}

// ProposalStore is a fake planning.ProposalStore.
type ProposalStore struct {
	CreateProposalFunc func(ctx context.Context, p *planning.Proposal, a *planning.Assessment, contentHash string) error
	ProposalFunc       func(ctx context.Context, id int64) (planning.Proposal, error)
	ProposalsFunc      func(ctx context.Context, f planning.ProposalFilter) ([]planning.Proposal, int, error)
	AssessmentFunc     func(ctx context.Context, proposalID int64) (planning.Assessment, error)
	// The re-evaluations of a proposal with its gap fill.
	AddAssessmentFunc func(ctx context.Context, a *planning.Assessment, audit ...planning.AuditEntry) error
	AssessmentsFunc   func(ctx context.Context, proposalID int64) ([]planning.Assessment, error)
}

// AddAssessment calls AddAssessmentFunc.
func (s *ProposalStore) AddAssessment(ctx context.Context, a *planning.Assessment, audit ...planning.AuditEntry) error {
	if s.AddAssessmentFunc == nil {
		return unset("ProposalStore.AddAssessment")
	}
	return s.AddAssessmentFunc(ctx, a, audit...)
}

// Assessments calls AssessmentsFunc.
func (s *ProposalStore) Assessments(ctx context.Context, proposalID int64) ([]planning.Assessment, error) {
	if s.AssessmentsFunc == nil {
		return nil, unset("ProposalStore.Assessments")
	}
	return s.AssessmentsFunc(ctx, proposalID)
}

var _ planning.ProposalStore = (*ProposalStore)(nil)

// CreateProposal calls CreateProposalFunc.
func (s *ProposalStore) CreateProposal(ctx context.Context, p *planning.Proposal, a *planning.Assessment, contentHash string) error {
	if s.CreateProposalFunc == nil {
		return unset("ProposalStore.CreateProposal")
	}
	return s.CreateProposalFunc(ctx, p, a, contentHash)
}

// Proposal calls ProposalFunc.
func (s *ProposalStore) Proposal(ctx context.Context, id int64) (planning.Proposal, error) {
	if s.ProposalFunc == nil {
		return planning.Proposal{}, unset("ProposalStore.Proposal")
	}
	return s.ProposalFunc(ctx, id)
}

// Proposals calls ProposalsFunc.
func (s *ProposalStore) Proposals(ctx context.Context, f planning.ProposalFilter) ([]planning.Proposal, int, error) {
	if s.ProposalsFunc == nil {
		return nil, 0, unset("ProposalStore.Proposals")
	}
	return s.ProposalsFunc(ctx, f)
}

// Assessment calls AssessmentFunc.
func (s *ProposalStore) Assessment(ctx context.Context, proposalID int64) (planning.Assessment, error) {
	if s.AssessmentFunc == nil {
		return planning.Assessment{}, unset("ProposalStore.Assessment")
	}
	return s.AssessmentFunc(ctx, proposalID)
}

// LayerStore is a fake planning.LayerStore.
type LayerStore struct {
	ImportLayerFunc func(ctx context.Context, spec planning.LayerSpec, r io.Reader, progress func(features int, bytes int64)) (planning.ImportReport, error)
	LayersFunc      func(ctx context.Context) ([]planning.Layer, error)
	LayerFunc       func(ctx context.Context, name string, version int) (planning.Layer, error)
	EachZoneFunc    func(ctx context.Context, layerID int64, bbox *orb.Bound, fn func(planning.Zone) error) error
}

var _ planning.LayerStore = (*LayerStore)(nil)

// ImportLayer calls ImportLayerFunc.
func (s *LayerStore) ImportLayer(ctx context.Context, spec planning.LayerSpec, r io.Reader, progress func(features int, bytes int64)) (planning.ImportReport, error) {
	if s.ImportLayerFunc == nil {
		return planning.ImportReport{}, unset("LayerStore.ImportLayer")
	}
	return s.ImportLayerFunc(ctx, spec, r, progress)
}

// Layers calls LayersFunc.
func (s *LayerStore) Layers(ctx context.Context) ([]planning.Layer, error) {
	if s.LayersFunc == nil {
		return nil, unset("LayerStore.Layers")
	}
	return s.LayersFunc(ctx)
}

// Layer calls LayerFunc.
func (s *LayerStore) Layer(ctx context.Context, name string, version int) (planning.Layer, error) {
	if s.LayerFunc == nil {
		return planning.Layer{}, unset("LayerStore.Layer")
	}
	return s.LayerFunc(ctx, name, version)
}

// EachZone calls EachZoneFunc.
func (s *LayerStore) EachZone(ctx context.Context, layerID int64, bbox *orb.Bound, fn func(planning.Zone) error) error {
	if s.EachZoneFunc == nil {
		return unset("LayerStore.EachZone")
	}
	return s.EachZoneFunc(ctx, layerID, bbox, fn)
}
