package api

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// lang is the language of the human-readable messages: Vietnamese unless
// ?lang=en.
type lang string

const (
	langVI lang = "vi"
	langEN lang = "en"
)

func (l lang) pick(t planning.Text) string {
	if l == langEN {
		return t.EN
	}
	return t.VI
}

// textOut is a message in both languages.
type textOut struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// findingOut is one finding on the wire.
type findingOut struct {
	RuleID       string  `json:"rule_id"`
	Severity     string  `json:"severity"`
	Layer        string  `json:"layer"`
	LayerKind    string  `json:"layer_kind"`
	LayerVersion int     `json:"layer_version"`
	FeatureID    int64   `json:"feature_id"`
	FeatureName  string  `json:"feature_name"`
	Category     string  `json:"category"`
	DistanceM    float64 `json:"distance_m"`
	OverlapM2    float64 `json:"overlap_m2"`
	LimitM       float64 `json:"limit_m"`
	ExcessM      float64 `json:"excess_m"`
	Authority    string  `json:"authority"`
	LegalBasis   string  `json:"legal_basis"`
	Message      string  `json:"message"`
	Messages     textOut `json:"messages"`
}

func newFindingOut(f planning.Finding, l lang) findingOut {
	return findingOut{
		RuleID:       f.RuleID,
		Severity:     string(f.Severity),
		Layer:        f.Layer,
		LayerKind:    f.LayerKind,
		LayerVersion: f.LayerVersion,
		FeatureID:    f.FeatureID,
		FeatureName:  f.FeatureName,
		Category:     f.Category,
		DistanceM:    round2(f.DistanceM),
		OverlapM2:    round2(f.OverlapM2),
		LimitM:       round2(f.LimitM),
		ExcessM:      round2(f.ExcessM),
		Authority:    f.Authority,
		LegalBasis:   f.LegalBasis,
		Message:      l.pick(f.Message),
		Messages:     textOut{VI: f.Message.VI, EN: f.Message.EN},
	}
}

// assessmentOut is an assessment on the wire. id, proposal_id and
// created_at are left out of a dry run, which stores nothing.
type assessmentOut struct {
	ID             int64          `json:"id,omitempty"`
	ProposalID     int64          `json:"proposal_id,omitempty"`
	Revision       int            `json:"revision,omitempty"`
	Verdict        string         `json:"verdict"`
	Findings       []findingOut   `json:"findings"`
	RuleSetVersion string         `json:"rule_set_version"`
	LayerVersions  map[string]int `json:"layer_versions"`
	Province       string         `json:"province"`
	AdminUnit      string         `json:"admin_unit"`
	CreatedAt      *time.Time     `json:"created_at,omitempty"`
	Lang           string         `json:"lang"`
	// GapFill is the gap-fill section: a check's with ?with=gap_fill, a
	// proposal's once its background job has stored it.
	GapFill *gapFillOut `json:"gap_fill,omitempty"`
	// Basis is what the assessment weighed: zoning, or gap_fill (the
	// zoning and the rules on the gap fill).
	Basis string `json:"basis"`
}

func newAssessmentOut(a planning.Assessment, l lang) assessmentOut {
	out := assessmentOut{
		ID:             a.ID,
		ProposalID:     a.ProposalID,
		Revision:       a.Revision,
		Verdict:        string(a.Verdict),
		Findings:       make([]findingOut, 0, len(a.Findings)),
		RuleSetVersion: a.RuleSetVersion,
		LayerVersions:  a.LayerVersions,
		Province:       a.Province,
		AdminUnit:      a.AdminUnit,
		Lang:           string(l),
		Basis:          a.Basis,
	}
	if out.Basis == "" {
		out.Basis = planning.BasisZoning
	}
	if out.LayerVersions == nil {
		out.LayerVersions = map[string]int{}
	}
	if a.ProposalID != 0 && !a.CreatedAt.IsZero() {
		t := a.CreatedAt.UTC()
		out.CreatedAt = &t
	}
	for _, f := range a.Findings {
		out.Findings = append(out.Findings, newFindingOut(f, l))
	}
	return out
}

// antennaOut is one antenna on the wire, the same names as the input.
type antennaOut struct {
	AzimuthDeg float64 `json:"azimuth_deg"`
	TiltDeg    float64 `json:"tilt_deg"`
	BandMHz    float64 `json:"band_mhz"`
	EIRPdBm    float64 `json:"eirp_dbm"`
	Technology string  `json:"technology"`
}

// proposalLinks are the related resources of a proposal.
type proposalLinks struct {
	Self       string `json:"self"`
	Assessment string `json:"assessment"`
	Report     string `json:"report"`
	ReportHTML string `json:"report_html"`
	Findings   string `json:"findings"`
}

func newProposalLinks(id int64) proposalLinks {
	self := fmt.Sprintf("/v1/proposals/%d", id)
	return proposalLinks{
		Self:       self,
		Assessment: self + "/assessment",
		Report:     self + "/report",
		ReportHTML: self + "/report.html",
		Findings:   self + "/findings.geojson",
	}
}

// proposalFeature returns a proposal as a GeoJSON Feature: the same shape
// as the body that created it, plus what the server added. The footprint
// stays a GeoJSON Polygon object inside the properties, as it came.
func proposalFeature(p planning.Proposal) *geojson.Feature {
	f := geojson.NewFeature(p.Site.Location)
	f.ID = p.ID
	props := geojson.Properties{
		"id":         p.ID,
		"carrier":    p.Site.Carrier,
		"site_code":  p.Site.Code,
		"structure":  string(p.Site.Structure),
		"height_m":   p.Site.HeightM,
		"revision":   p.Revision,
		"status":     string(p.Status),
		"verdict":    string(p.Verdict),
		"admin_unit": p.AdminUnit,
		"province":   p.Province,
		"created_at": p.CreatedAt.UTC().Format(time.RFC3339),
		"updated_at": p.UpdatedAt.UTC().Format(time.RFC3339),
		"links":      newProposalLinks(p.ID),
	}
	antennas := make([]antennaOut, 0, len(p.Site.Antennas))
	for _, a := range p.Site.Antennas {
		antennas = append(antennas, antennaOut(a))
	}
	props["antennas"] = antennas
	if len(p.Site.Footprint) > 0 {
		props["footprint"] = geojson.NewGeometry(p.Site.Footprint)
	}
	f.Properties = props
	return f
}

// findingFeature returns a finding as a GeoJSON Feature whose geometry is
// the conflicting part of the zone.
func findingFeature(proposalID int64, n int, f planning.Finding, l lang) *geojson.Feature {
	g := f.Geometry
	if g == nil {
		g = orb.Collection{}
	}
	out := geojson.NewFeature(g)
	out.ID = fmt.Sprintf("%d-%d", proposalID, n)
	fo := newFindingOut(f, l)
	out.Properties = geojson.Properties{
		"proposal_id":   proposalID,
		"rule_id":       fo.RuleID,
		"severity":      fo.Severity,
		"layer":         fo.Layer,
		"layer_kind":    fo.LayerKind,
		"layer_version": fo.LayerVersion,
		"feature_id":    fo.FeatureID,
		"feature_name":  fo.FeatureName,
		"category":      fo.Category,
		"distance_m":    fo.DistanceM,
		"overlap_m2":    fo.OverlapM2,
		"limit_m":       fo.LimitM,
		"excess_m":      fo.ExcessM,
		"authority":     fo.Authority,
		"legal_basis":   fo.LegalBasis,
		"message":       fo.Message,
		"message_vi":    fo.Messages.VI,
		"message_en":    fo.Messages.EN,
	}
	return out
}

// layerOut is one layer version on the wire.
type layerOut struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Name         string    `json:"name"`
	Version      int       `json:"version"`
	Current      bool      `json:"current"`
	Source       string    `json:"source"`
	Licence      string    `json:"licence"`
	SourceSRID   int       `json:"source_srid"`
	ImportedAt   time.Time `json:"imported_at"`
	FeatureCount int       `json:"feature_count"`
	GeoJSON      string    `json:"geojson"`
}

func newLayerOut(l planning.Layer) layerOut {
	return layerOut{
		ID:           l.ID,
		Kind:         l.Kind,
		Name:         l.Name,
		Version:      l.Version,
		Current:      l.Current,
		Source:       l.Source,
		Licence:      l.Licence,
		SourceSRID:   l.SourceSRID,
		ImportedAt:   l.ImportedAt.UTC(),
		FeatureCount: l.FeatureCount,
		GeoJSON:      layerGeoJSONPath(l),
	}
}

// sortedLayerVersions returns a map's entries ordered by name.
func sortedLayerVersions(m map[string]int) []layerVersion {
	out := make([]layerVersion, 0, len(m))
	for name, v := range m {
		out = append(out, layerVersion{Name: name, Version: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type layerVersion struct {
	Name    string
	Version int
}

// round2 rounds to centimetres (or cm²·100): the measures come from
// PostGIS geography, precise far past what a reader needs.
func round2(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return math.Round(v*100) / 100
}
