package api

import (
	"context"
	"fmt"

	"btsplan/planning"
)

// coverageSummaryOut is a proposal's coverage in reports and exports.
type coverageSummaryOut struct {
	ID           int64         `json:"id"`
	AreaKm2      float64       `json:"area_km2"`
	Metric       string        `json:"metric"`
	ThresholdDBm float64       `json:"threshold_dbm"`
	FreqMHz      float64       `json:"freq_mhz"`
	Technology   string        `json:"technology"`
	RadiusM      float64       `json:"radius_m"`
	DEMVersion   string        `json:"dem_version"`
	Model        string        `json:"model"`
	BBox         [4]float64    `json:"bbox"`
	Links        coverageLinks `json:"links"`
}

func newCoverageSummaryOut(c planning.Coverage, proposalID int64) *coverageSummaryOut {
	return &coverageSummaryOut{
		ID:           c.ID,
		AreaKm2:      round3(c.AreaKm2),
		Metric:       string(c.Metric),
		ThresholdDBm: c.ThresholdDBm,
		FreqMHz:      c.Inputs.FreqMHz,
		Technology:   string(c.Inputs.Technology),
		RadiusM:      c.Inputs.RadiusM,
		DEMVersion:   c.DEMVersion,
		Model:        c.Model,
		BBox:         [4]float64{c.Bound.Min[0], c.Bound.Min[1], c.Bound.Max[0], c.Bound.Max[1]},
		Links:        newCoverageLinks(c.ID, proposalID),
	}
}

// storedCoverage returns a proposal's coverage for a report when it has
// been computed, nil otherwise (or when no coverage service is
// configured). A report never computes one: that is
// GET /v1/proposals/{id}/coverage's job.
func (s *server) storedCoverage(ctx context.Context, proposalID int64) (*planning.Coverage, error) {
	if s.cfg.Coverage == nil {
		return nil, nil
	}
	c, ok, err := s.cfg.Coverage.StoredProposalCoverage(ctx, proposalID)
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

// coverageView is the coverage section of the HTML report.
type coverageView struct {
	Title, Note                        string
	Computed                           bool
	AreaLabel, ThresholdLabel          string
	Area, Threshold, Band, Radius      string
	BandLabel, RadiusLabel, ModelLabel string
	Model, DEMVersion                  string
	PNG, GeoJSON, GeoTIFF, Legend      string
	ComputeLink, NotComputed           string
}

// coverageLabels are the coverage section's words in each language.
var coverageLabels = map[lang]struct {
	title, area, threshold, band, radius, model, note, notComputed string
}{
	langVI: {"Vùng phủ sóng", "Diện tích phủ", "Ngưỡng phủ", "Băng tần", "Bán kính tính", "Mô hình",
		"Vùng phủ tính theo địa hình (ITM) trên băng tần thấp nhất của trạm, cache theo băm đầu vào.",
		"Chưa tính vùng phủ cho đề xuất này."},
	langEN: {"Coverage", "Covered area", "Threshold", "Band", "Radius computed", "Model",
		"Terrain-aware coverage (ITM) on the site's lowest band, cached by the hash of its inputs.",
		"The coverage of this proposal has not been computed yet."},
}

func newCoverageView(c *planning.Coverage, proposalID int64, l lang) *coverageView {
	t := coverageLabels[l]
	v := &coverageView{
		Title: t.title, Note: t.note, AreaLabel: t.area, ThresholdLabel: t.threshold, BandLabel: t.band,
		RadiusLabel: t.radius, ModelLabel: t.model, NotComputed: t.notComputed,
		ComputeLink: fmt.Sprintf("/v1/proposals/%d/coverage", proposalID),
	}
	if c == nil {
		return v
	}
	links := newCoverageLinks(c.ID, proposalID)
	v.Computed = true
	v.Area = formatMeasure(c.AreaKm2, l) + " km²"
	v.Threshold = fmt.Sprintf("%s dBm %s", formatMeasure(c.ThresholdDBm, l), c.Metric)
	v.Band = fmt.Sprintf("%s MHz %s", formatMeasure(c.Inputs.FreqMHz, l), c.Inputs.Technology)
	v.Radius = formatMeasure(c.Inputs.RadiusM/1000, l) + " km"
	v.Model, v.DEMVersion = c.Model, c.DEMVersion
	v.PNG, v.GeoJSON, v.GeoTIFF, v.Legend = links.PNG, links.GeoJSON, links.GeoTIFF, links.Legend
	return v
}
