package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

var (
	//go:embed sql/gap_fill_villages_near.sql
	qGapFillVillagesNear string
	//go:embed sql/gap_fill_statuses.sql
	qGapFillStatuses string
	//go:embed sql/gap_fill_towers.sql
	qGapFillTowers string
	//go:embed sql/gap_fill_gap_closed.sql
	qGapFillGapClosed string
	//go:embed sql/gap_fill_upsert.sql
	qGapFillUpsert string
	//go:embed sql/gap_fill_of_assessment.sql
	qGapFillOfAssessment string
)

// GapFillStore reads what a gap fill is computed from and keeps gap fills
// in assessment_gap_fill; it implements planning.GapFillStore.
type GapFillStore struct{ db *DB }

var _ planning.GapFillStore = (*GapFillStore)(nil)

// NewGapFillStore returns a GapFillStore on db.
func NewGapFillStore(db *DB) *GapFillStore { return &GapFillStore{db: db} }

// villageCategories are the settlement categories a gap fill counts.
var villageCategories = []string{planning.CategoryVillage, planning.CategoryHamlet}

// VillagesNear returns the villages and hamlets within radiusM of p.
// Errors: Unavailable.
func (s *GapFillStore) VillagesNear(ctx context.Context, p orb.Point, radiusM float64) ([]planning.Village, error) {
	const op = "villages near site"
	pt, err := ewkbOf(p)
	if err != nil {
		return nil, &planning.Error{Op: op, Kind: planning.Invalid, Err: err}
	}
	return queryVillages(ctx, s.db, op, qGapFillVillagesNear, pt, radiusM, villageCategories)
}

// VillageStatuses returns the latest gap analysis results of zoneIDs.
// Errors: Unavailable.
func (s *GapFillStore) VillageStatuses(ctx context.Context, zoneIDs []int64) (map[int64]planning.GapVillage, int64, error) {
	const op = "status of villages"
	out := map[int64]planning.GapVillage{}
	if len(zoneIDs) == 0 {
		return out, 0, nil
	}
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapFillStatuses, zoneIDs)
	if err != nil {
		return nil, 0, opError(op, translate(err))
	}
	defer rows.Close()
	var latest int64
	for rows.Next() {
		var zone, analysis int64
		var carrier, status, spot string
		var level *float64
		if err := rows.Scan(&zone, &analysis, &carrier, &status, &level, &spot); err != nil {
			return nil, 0, opError(op, translate(err))
		}
		latest = max(latest, analysis)
		gv, ok := out[zone]
		if !ok {
			gv = planning.GapVillage{Village: planning.Village{ZoneID: zone}, NotSpot: planning.NotSpot(spot),
				Coverage: map[string]planning.CarrierCoverage{}}
		}
		cc := planning.CarrierCoverage{Status: planning.VillageStatus(status), LevelDBm: math.NaN()}
		if level != nil {
			cc.LevelDBm = *level
		}
		gv.Coverage[carrier] = cc
		out[zone] = gv
	}
	if err := rows.Err(); err != nil {
		return nil, 0, opError(op, translate(err))
	}
	return out, latest, nil
}

// TowersNear returns the current sites within radiusM of p at least
// minHeightM tall, nearest first. Errors: Unavailable.
func (s *GapFillStore) TowersNear(ctx context.Context, p orb.Point, radiusM, minHeightM float64) ([]planning.ShareableTower, error) {
	const op = "towers near site"
	pt, err := ewkbOf(p)
	if err != nil {
		return nil, &planning.Error{Op: op, Kind: planning.Invalid, Err: err}
	}
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapFillTowers, pt, radiusM, minHeightM)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	var out []planning.ShareableTower
	for rows.Next() {
		var t planning.ShareableTower
		if err := rows.Scan(&t.ID, &t.Carrier, &t.Code, &t.HeightM, &t.DistanceM); err != nil {
			return nil, opError(op, translate(err))
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// GapClosed returns the gap area of analysisID inside coverageID's
// covered area, km². Errors: NotFound, Unavailable.
func (s *GapFillStore) GapClosed(ctx context.Context, coverageID, analysisID int64) (float64, error) {
	op := fmt.Sprintf("gap closed by coverage %d", coverageID)
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	var km2 float64
	if err := s.db.pool.QueryRow(qctx, qGapFillGapClosed, coverageID, analysisID).Scan(&km2); err != nil {
		return 0, opError(op, translate(err))
	}
	return km2, nil
}

// gapFillJSON is how planning.GapFill is kept in assessment_gap_fill.fill.
type gapFillJSON struct {
	Carrier             string               `json:"carrier"`
	VillagesInReach     int                  `json:"villages_in_reach"`
	VillagesCovered     int                  `json:"villages_covered"`
	Villages            []gapFillVillageJSON `json:"villages_newly_covered"`
	VillagesUnknown     int                  `json:"villages_unknown"`
	People              int                  `json:"people_newly_covered"`
	PeopleFirstSignal   int                  `json:"people_first_signal"`
	GapKm2Closed        float64              `json:"gap_km2_closed"`
	OverlapPct          float64              `json:"overlap_pct"`
	OverlapCoverages    int                  `json:"overlap_coverages"`
	OverlapSitesMissing int                  `json:"overlap_sites_missing"`
	Towers              []towerJSON          `json:"shareable_towers"`
	ShareDistanceM      float64              `json:"share_distance_m"`
}

type gapFillVillageJSON struct {
	ZoneID        int64          `json:"zone_id"`
	Category      string         `json:"category"`
	Name          string         `json:"name"`
	Population    *int           `json:"population"`
	StatusBefore  string         `json:"status_before"`
	NotSpotBefore string         `json:"not_spot_before"`
	ForOwnCarrier bool           `json:"for_own_carrier"`
	ForAnyone     bool           `json:"for_anyone"`
	LevelDBm      float64        `json:"level_dbm"`
	Properties    map[string]any `json:"properties"`
}

type towerJSON struct {
	ID        int64   `json:"id"`
	Carrier   string  `json:"carrier"`
	Code      string  `json:"site_code"`
	DistanceM float64 `json:"distance_m"`
	HeightM   float64 `json:"height_m"`
}

func newGapFillJSON(g planning.GapFill) gapFillJSON {
	j := gapFillJSON{Carrier: g.Carrier, VillagesInReach: g.VillagesInReach, VillagesCovered: g.VillagesCovered,
		Villages: []gapFillVillageJSON{}, VillagesUnknown: g.VillagesUnknown, People: g.PeopleNewlyCovered,
		PeopleFirstSignal: g.PeopleFirstSignal, GapKm2Closed: g.GapKm2Closed, OverlapPct: g.OverlapPct,
		OverlapCoverages: g.OverlapCoverages, OverlapSitesMissing: g.OverlapSitesMissing,
		Towers: []towerJSON{}, ShareDistanceM: g.ShareDistanceM}
	for _, v := range g.VillagesNewlyCovered {
		vj := gapFillVillageJSON{ZoneID: v.ZoneID, Category: v.Category, Name: v.Name, StatusBefore: v.StatusBefore,
			NotSpotBefore: v.NotSpotBefore, ForOwnCarrier: v.ForOwnCarrier, ForAnyone: v.ForAnyone,
			LevelDBm: v.LevelDBm, Properties: v.Properties}
		if v.HasPopulation {
			pop := v.Population
			vj.Population = &pop
		}
		j.Villages = append(j.Villages, vj)
	}
	for _, t := range g.ShareableTowers {
		j.Towers = append(j.Towers, towerJSON(t))
	}
	return j
}

func (j gapFillJSON) gapFill() planning.GapFill {
	g := planning.GapFill{Carrier: j.Carrier, VillagesInReach: j.VillagesInReach, VillagesCovered: j.VillagesCovered,
		VillagesNewlyCovered: []planning.GapFillVillage{}, VillagesUnknown: j.VillagesUnknown,
		PeopleNewlyCovered: j.People, PeopleFirstSignal: j.PeopleFirstSignal, GapKm2Closed: j.GapKm2Closed,
		OverlapPct: j.OverlapPct, OverlapCoverages: j.OverlapCoverages, OverlapSitesMissing: j.OverlapSitesMissing,
		ShareableTowers: []planning.ShareableTower{}, ShareDistanceM: j.ShareDistanceM}
	for _, v := range j.Villages {
		gv := planning.GapFillVillage{ZoneID: v.ZoneID, Category: v.Category, Name: v.Name, StatusBefore: v.StatusBefore,
			NotSpotBefore: v.NotSpotBefore, ForOwnCarrier: v.ForOwnCarrier, ForAnyone: v.ForAnyone,
			LevelDBm: v.LevelDBm, Properties: v.Properties}
		if v.Population != nil {
			gv.Population, gv.HasPopulation = *v.Population, true
		}
		g.VillagesNewlyCovered = append(g.VillagesNewlyCovered, gv)
	}
	for _, t := range j.Towers {
		g.ShareableTowers = append(g.ShareableTowers, planning.ShareableTower(t))
	}
	return g
}

// SaveGapFill stores g for assessment g.AssessmentID of proposalID,
// replacing an earlier one. Errors: NotFound (an unknown assessment or
// coverage), Unavailable.
func (s *GapFillStore) SaveGapFill(ctx context.Context, proposalID int64, g *planning.GapFill) error {
	op := fmt.Sprintf("store gap fill of assessment %d", g.AssessmentID)
	fill, err := json.Marshal(newGapFillJSON(*g))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var analysis *int64
	if g.GapAnalysisID != 0 {
		analysis = &g.GapAnalysisID
	}
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	var at time.Time
	err = s.db.pool.QueryRow(qctx, qGapFillUpsert, g.AssessmentID, proposalID, g.CoverageID, analysis, fill).Scan(&at)
	if err != nil {
		return opError(op, translate(err))
	}
	g.CreatedAt = at
	return nil
}

// GapFill returns the gap fill of assessmentID. Errors: NotFound,
// Unavailable.
func (s *GapFillStore) GapFill(ctx context.Context, assessmentID int64) (planning.GapFill, error) {
	op := fmt.Sprintf("gap fill of assessment %d", assessmentID)
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	var id, cov, analysis int64
	var fill []byte
	var at time.Time
	if err := s.db.pool.QueryRow(qctx, qGapFillOfAssessment, assessmentID).Scan(&id, &cov, &analysis, &fill, &at); err != nil {
		return planning.GapFill{}, opError(op, translate(err))
	}
	var j gapFillJSON
	if err := json.Unmarshal(fill, &j); err != nil {
		return planning.GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	g := j.gapFill()
	g.AssessmentID, g.CoverageID, g.GapAnalysisID, g.CreatedAt = id, cov, analysis, at
	return g, nil
}
