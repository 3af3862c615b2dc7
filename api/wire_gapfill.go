package api

import (
	"context"
	"errors"
	"math"
	"net/url"
	"time"

	"btsplan/planning"
)

// The sections ?with may add to an answer.
const withGapFill = "gap_fill"

// parseWith reads ?with: "" or gap_fill. Errors name "with".
func parseWith(q url.Values) (gapFill bool, err error) {
	v, err := queryParam(q, "with", planning.MaxCodeChars)
	if err != nil {
		return false, err
	}
	switch v {
	case "":
		return false, nil
	case withGapFill:
		return true, nil
	}
	return false, malformed("with", "with %s: want gap_fill", echo(v))
}

func (s *server) gapFillService() (*planning.GapFillService, error) {
	if s.cfg.GapFill == nil {
		return nil, &planning.Error{Kind: planning.Unavailable, Err: errors.New("gap fill is not configured on this server")}
	}
	return s.cfg.GapFill, nil
}

// storedGapFill returns the gap-fill section of assessment a, nil when the
// server has no gap fill or it has not been computed yet.
func (s *server) storedGapFill(ctx context.Context, a planning.Assessment) (*gapFillOut, error) {
	if s.cfg.GapFill == nil || a.ID == 0 {
		return nil, nil
	}
	g, ok, err := s.cfg.GapFill.Stored(ctx, a.ID)
	if err != nil || !ok {
		return nil, err
	}
	out := newGapFillOut(g)
	return &out, nil
}

// gapFillOut is the gap-fill section of an assessment.
type gapFillOut struct {
	Carrier              string              `json:"carrier"`
	VillagesNewlyCovered []gapFillVillageOut `json:"villages_newly_covered"`
	PeopleNewlyCovered   int                 `json:"people_newly_covered"`
	PeopleFirstSignal    int                 `json:"people_first_signal"`
	VillagesInReach      int                 `json:"villages_in_reach"`
	VillagesCovered      int                 `json:"villages_covered"`
	VillagesUnknown      int                 `json:"villages_unknown"`
	GapKm2Closed         float64             `json:"gap_km2_closed"`
	OverlapPct           float64             `json:"overlap_pct"`
	OverlapCoverages     int                 `json:"overlap_coverages"`
	OverlapSitesMissing  int                 `json:"overlap_sites_missing"`
	ShareableTowers      []shareableTowerOut `json:"shareable_towers"`
	ShareDistanceM       float64             `json:"share_distance_m"`
	CoverageID           int64               `json:"coverage_id"`
	GapAnalysisID        *int64              `json:"gap_analysis_id"`
	AssessmentID         int64               `json:"assessment_id,omitempty"`
	CreatedAt            *time.Time          `json:"created_at,omitempty"`
}

type gapFillVillageOut struct {
	ZoneID        int64           `json:"zone_id"`
	Category      string          `json:"category"`
	Name          string          `json:"name"`
	Population    *int            `json:"population"`
	StatusBefore  statusBeforeOut `json:"status_before"`
	ForOwnCarrier bool            `json:"for_own_carrier"`
	ForAnyone     bool            `json:"for_anyone"`
	LevelDBm      *float64        `json:"level_dbm"`
	Properties    map[string]any  `json:"properties"`
}

// statusBeforeOut is a village's status before the proposal: for the
// proposal's carrier (covered, lom_song, trang_song or unknown) and over
// every carrier (the not-spot class total, partial, none or unknown).
type statusBeforeOut struct {
	Carrier string `json:"carrier"`
	Anyone  string `json:"anyone"`
}

type shareableTowerOut struct {
	ID        int64   `json:"id"`
	Carrier   string  `json:"carrier"`
	SiteCode  string  `json:"site_code"`
	DistanceM float64 `json:"distance_m"`
	HeightM   float64 `json:"height_m"`
}

func newGapFillOut(g planning.GapFill) gapFillOut {
	out := gapFillOut{
		Carrier: g.Carrier, VillagesNewlyCovered: []gapFillVillageOut{}, PeopleNewlyCovered: g.PeopleNewlyCovered,
		PeopleFirstSignal: g.PeopleFirstSignal, VillagesInReach: g.VillagesInReach, VillagesCovered: g.VillagesCovered,
		VillagesUnknown: g.VillagesUnknown, GapKm2Closed: math.Round(g.GapKm2Closed*1000) / 1000, OverlapPct: math.Round(g.OverlapPct*10) / 10,
		OverlapCoverages: g.OverlapCoverages, OverlapSitesMissing: g.OverlapSitesMissing,
		ShareableTowers: []shareableTowerOut{}, ShareDistanceM: g.ShareDistanceM, CoverageID: g.CoverageID,
		AssessmentID: g.AssessmentID,
	}
	if g.GapAnalysisID != 0 {
		id := g.GapAnalysisID
		out.GapAnalysisID = &id
	}
	if !g.CreatedAt.IsZero() {
		t := g.CreatedAt.UTC()
		out.CreatedAt = &t
	}
	for _, v := range g.VillagesNewlyCovered {
		vo := gapFillVillageOut{ZoneID: v.ZoneID, Category: v.Category, Name: v.Name,
			StatusBefore:  statusBeforeOut{Carrier: v.StatusBefore, Anyone: v.NotSpotBefore},
			ForOwnCarrier: v.ForOwnCarrier, ForAnyone: v.ForAnyone, Properties: v.Properties}
		if v.HasPopulation {
			p := v.Population
			vo.Population = &p
		}
		if !math.IsNaN(v.LevelDBm) && !math.IsInf(v.LevelDBm, 0) {
			l := math.Round(v.LevelDBm*10) / 10
			vo.LevelDBm = &l
		}
		if vo.Properties == nil {
			vo.Properties = map[string]any{}
		}
		out.VillagesNewlyCovered = append(out.VillagesNewlyCovered, vo)
	}
	for _, t := range g.ShareableTowers {
		out.ShareableTowers = append(out.ShareableTowers, shareableTowerOut{ID: t.ID, Carrier: t.Carrier, SiteCode: t.Code,
			DistanceM: math.Round(t.DistanceM*10) / 10, HeightM: t.HeightM})
	}
	return out
}
