package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/gap_area_of.sql
	qGapAreaOf string
	//go:embed sql/gap_villages.sql
	qGapVillages string
	//go:embed sql/gap_insert.sql
	qGapInsert string
	//go:embed sql/gap_set_job.sql
	qGapSetJob string
	//go:embed sql/gap_by_id.sql
	qGapByID string
	//go:embed sql/gap_analyses.sql
	qGapAnalyses string
	//go:embed sql/gap_set_state.sql
	qGapSetState string
	//go:embed sql/gap_covered_shares.sql
	qGapCoveredShares string
	//go:embed sql/gap_areas_insert.sql
	qGapAreasInsert string
	//go:embed sql/gap_done.sql
	qGapDone string
	//go:embed sql/gap_village_results.sql
	qGapVillageResults string
	//go:embed sql/gap_areas.sql
	qGapAreas string
	//go:embed sql/gap_previous.sql
	qGapPrevious string
	//go:embed sql/gap_previous_sites.sql
	qGapPreviousSites string
	//go:embed sql/gap_previous_levels.sql
	qGapPreviousLevels string
	//go:embed sql/gap_previous_shares.sql
	qGapPreviousShares string
)

// GapStore keeps gap analyses in gap_analysis, gap_village and gap_area;
// it implements planning.GapStore.
type GapStore struct {
	db          *DB
	afterCreate afterCreateFunc
}

var _ planning.GapStore = (*GapStore)(nil)

// NewGapStore returns a GapStore on db.
func NewGapStore(db *DB) *GapStore { return &GapStore{db: db} }

// AfterCreate makes CreateGapAnalysis call f inside its transaction to
// queue the analysis's job (jobs.Queue.InsertGapAnalysisTx), so that a
// stored analysis never lacks its job. Call it before the store is used.
func (s *GapStore) AfterCreate(f func(ctx context.Context, tx pgx.Tx, analysisID int64) (int64, error)) {
	s.afterCreate = f
}

// gapParamsJSON is how planning.GapParams is kept in gap_analysis.params
// (and what the API shows): the request's own member names.
type gapParamsJSON struct {
	AdminUnit    string          `json:"admin_unit,omitempty"`
	BBox         []float64       `json:"bbox,omitempty"`
	Carriers     []string        `json:"carriers"`
	ThresholdDBm *float64        `json:"threshold_dbm,omitempty"`
	Reliability  *reliabilityOut `json:"reliability,omitempty"`
	LomSongShare float64         `json:"lom_song_share,omitempty"`
	ClusterNearM float64         `json:"cluster_near_m,omitempty"`
	BufferM      float64         `json:"buffer_m,omitempty"`
	Province     string          `json:"province,omitempty"`
	Fresh        bool            `json:"fresh,omitempty"`
}

type reliabilityOut struct {
	TimePct     float64 `json:"time_pct"`
	LocationPct float64 `json:"location_pct"`
}

func newGapParamsJSON(p planning.GapParams) gapParamsJSON {
	j := gapParamsJSON{AdminUnit: p.AdminUnit, Carriers: p.Carriers, ThresholdDBm: p.ThresholdDBm,
		LomSongShare: p.LomSongShare, ClusterNearM: p.ClusterNearM, BufferM: p.BufferM, Province: p.Province, Fresh: p.Fresh}
	if j.Carriers == nil {
		j.Carriers = []string{}
	}
	if b := p.BBox; b != nil {
		j.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if r := p.Reliability; r != nil {
		j.Reliability = &reliabilityOut{TimePct: r.TimePct, LocationPct: r.LocationPct}
	}
	return j
}

func (j gapParamsJSON) params() planning.GapParams {
	p := planning.GapParams{AdminUnit: j.AdminUnit, Carriers: j.Carriers, ThresholdDBm: j.ThresholdDBm,
		LomSongShare: j.LomSongShare, ClusterNearM: j.ClusterNearM, BufferM: j.BufferM, Province: j.Province, Fresh: j.Fresh}
	if len(j.BBox) == 4 {
		p.BBox = &orb.Bound{Min: orb.Point{j.BBox[0], j.BBox[1]}, Max: orb.Point{j.BBox[2], j.BBox[3]}}
	}
	if r := j.Reliability; r != nil {
		p.Reliability = &planning.GapReliability{TimePct: r.TimePct, LocationPct: r.LocationPct}
	}
	return p
}

// gapCountsJSON is how planning.GapCounts is kept in gap_analysis.counts.
type gapCountsJSON struct {
	Villages       int                          `json:"villages"`
	People         int                          `json:"people"`
	Clusters       int                          `json:"home_clusters"`
	Sites          int                          `json:"sites"`
	Coverages      int                          `json:"coverages"`
	Cached         int                          `json:"coverages_cached"`
	SkippedSites   []string                     `json:"skipped_sites,omitempty"`
	Carriers       map[string]carrierCountsJSON `json:"carriers"`
	NotSpotTotal   int                          `json:"not_spot_total"`
	NotSpotPartial int                          `json:"not_spot_partial"`
	NotSpotNone    int                          `json:"not_spot_none"`
	PeopleTotal    int                          `json:"people_total"`
	PeoplePartial  int                          `json:"people_partial"`
	GapAreas       int                          `json:"gap_areas"`
	GapKm2         float64                      `json:"gap_km2"`
	ReusedFrom     int64                        `json:"reused_analysis,omitempty"`
	VillagesRecomp int                          `json:"villages_recomputed"`
	VillagesReused int                          `json:"villages_reused"`
	SitesRecomp    int                          `json:"sites_recomputed"`
	SitesReused    int                          `json:"sites_reused"`
}

type carrierCountsJSON struct {
	Covered   int `json:"covered"`
	LomSong   int `json:"lom_song"`
	TrangSong int `json:"trang_song"`
}

func newGapCountsJSON(c planning.GapCounts) gapCountsJSON {
	j := gapCountsJSON{Villages: c.Villages, People: c.People, Clusters: c.Clusters, Sites: c.Sites,
		Coverages: c.Coverages, Cached: c.Cached, SkippedSites: c.SkippedSites, Carriers: map[string]carrierCountsJSON{},
		NotSpotTotal: c.NotSpotTotal, NotSpotPartial: c.NotSpotPartial, NotSpotNone: c.NotSpotNone,
		PeopleTotal: c.PeopleTotal, PeoplePartial: c.PeoplePartial, GapAreas: c.GapAreas, GapKm2: c.GapKm2,
		ReusedFrom: c.ReusedFrom, VillagesRecomp: c.VillagesRecomputed, VillagesReused: c.VillagesReused,
		SitesRecomp: c.SitesRecomputed, SitesReused: c.SitesReused}
	for k, v := range c.Carriers {
		j.Carriers[k] = carrierCountsJSON(v)
	}
	return j
}

func (j gapCountsJSON) counts() planning.GapCounts {
	c := planning.GapCounts{Villages: j.Villages, People: j.People, Clusters: j.Clusters, Sites: j.Sites,
		Coverages: j.Coverages, Cached: j.Cached, SkippedSites: j.SkippedSites, Carriers: map[string]planning.GapCarrierCounts{},
		NotSpotTotal: j.NotSpotTotal, NotSpotPartial: j.NotSpotPartial, NotSpotNone: j.NotSpotNone,
		PeopleTotal: j.PeopleTotal, PeoplePartial: j.PeoplePartial, GapAreas: j.GapAreas, GapKm2: j.GapKm2,
		ReusedFrom: j.ReusedFrom, VillagesRecomputed: j.VillagesRecomp, VillagesReused: j.VillagesReused,
		SitesRecomputed: j.SitesRecomp, SitesReused: j.SitesReused}
	for k, v := range j.Carriers {
		c.Carriers[k] = planning.GapCarrierCounts(v)
	}
	return c
}

// areaArgs are the area arguments ($1..$6) of gap_area_of.sql and
// gap_villages.sql.
func areaArgs(p planning.GapParams) []any {
	if p.AdminUnit != "" || p.BBox == nil {
		return []any{p.AdminUnit, nil, nil, nil, nil, geo.SRIDWGS84}
	}
	b := p.BBox
	return []any{"", b.Min[0], b.Min[1], b.Max[0], b.Max[1], geo.SRIDWGS84}
}

// GapBound returns the extent of p's area. Errors: Invalid naming
// "admin_unit" for an unknown admin unit, Unavailable.
func (s *GapStore) GapBound(ctx context.Context, p planning.GapParams) (orb.Bound, error) {
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	var w, so, e, n float64
	err := s.db.pool.QueryRow(qctx, qGapAreaOf, areaArgs(p)...).Scan(&w, &so, &e, &n)
	if errors.Is(err, pgx.ErrNoRows) {
		return orb.Bound{}, planning.FieldError(planning.FieldGapAdminUnit, "unknown admin unit %q", p.AdminUnit)
	}
	if err != nil {
		return orb.Bound{}, opError("area of gap analysis", translate(err))
	}
	return orb.Bound{Min: orb.Point{w, so}, Max: orb.Point{e, n}}, nil
}

// GapVillages returns the settlement features of p's area; see
// planning.GapStore. Errors: Invalid naming "admin_unit", Unavailable.
func (s *GapStore) GapVillages(ctx context.Context, p planning.GapParams) ([]planning.Village, error) {
	const op = "villages of gap analysis"
	if _, err := s.GapBound(ctx, p); err != nil {
		return nil, err
	}
	return queryVillages(ctx, s.db, op, qGapVillages, append(areaArgs(p), planning.GapCategories)...)
}

// queryVillages runs query, whose columns are villageRow's, and decodes
// its villages: the one reader of the gap analysis and the gap fill.
func queryVillages(ctx context.Context, db *DB, op, query string, args ...any) ([]planning.Village, error) {
	qctx, cancel := db.query(ctx)
	defer cancel()
	rows, err := db.pool.Query(qctx, query, args...)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	var out []planning.Village
	for rows.Next() {
		var vr villageRow
		if err := rows.Scan(vr.dest()...); err != nil {
			return nil, opError(op, translate(err))
		}
		v, err := vr.village()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// villageRow holds the village columns until they are decoded.
type villageRow struct {
	v     planning.Village
	attrs []byte
	pop   *int64
	x, y  float64
	wkb   []byte
}

func (r *villageRow) dest() []any {
	return []any{&r.v.ZoneID, &r.v.Category, &r.v.Name, &r.attrs, &r.pop, &r.x, &r.y, &r.wkb}
}

func (r *villageRow) village() (planning.Village, error) {
	v := r.v
	v.Centre = orb.Point{r.x, r.y}
	if r.pop != nil {
		v.Population, v.HasPopulation = int(*r.pop), true
	}
	if err := json.Unmarshal(r.attrs, &v.Properties); err != nil {
		return v, fmt.Errorf("properties of zone %d: %w", v.ZoneID, err)
	}
	g, err := orbOf(r.wkb)
	if err != nil {
		return v, fmt.Errorf("geometry of zone %d: %w", v.ZoneID, err)
	}
	v.Geometry = g
	return v, nil
}

// CreateGapAnalysis stores a queued analysis and, through the AfterCreate
// hook, queues its job in the same transaction. Errors: Unavailable.
func (s *GapStore) CreateGapAnalysis(ctx context.Context, a *planning.GapAnalysis) error {
	const op = "store gap analysis"
	params, err := json.Marshal(newGapParamsJSON(a.Params))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if a.ID, a.CreatedAt, a.JobID, err = s.db.insertQueued(ctx, op, qGapInsert, []any{params, a.Params.ReuseKey()}, qGapSetJob, s.afterCreate); err != nil {
		return err
	}
	a.State = planning.JobQueued
	return nil
}

// GapAnalysis returns analysis id. Errors: NotFound, Unavailable.
func (s *GapStore) GapAnalysis(ctx context.Context, id int64) (planning.GapAnalysis, error) {
	var pj gapParamsJSON
	var cj gapCountsJSON
	q, err := s.db.queuedRow(ctx, fmt.Sprintf("gap analysis %d", id), qGapByID, id, &pj, &cj)
	if err != nil {
		return planning.GapAnalysis{}, err
	}
	return planning.GapAnalysis{ID: q.ID, JobID: q.JobID, State: q.State, Error: q.Error, CreatedAt: q.CreatedAt, DoneAt: q.DoneAt,
		Params: pj.params(), Counts: cj.counts()}, nil
}

// GapAnalyses returns a page of the analyses, newest first, and how many
// there are. Errors: Unavailable.
func (s *GapStore) GapAnalyses(ctx context.Context, pg planning.ListPage) ([]planning.GapAnalysis, int, error) {
	var out []planning.GapAnalysis
	total, err := s.db.queuedRows(ctx, "list gap analyses", qGapAnalyses, []any{pg.Limit, pg.Offset}, func(q queued, p, c []byte) error {
		var pj gapParamsJSON
		var cj gapCountsJSON
		if err := unmarshalBoth(p, c, &pj, &cj); err != nil {
			return err
		}
		out = append(out, planning.GapAnalysis{ID: q.ID, JobID: q.JobID, State: q.State, Error: q.Error, CreatedAt: q.CreatedAt, DoneAt: q.DoneAt,
			Params: pj.params(), Counts: cj.counts()})
		return nil
	})
	return out, total, err
}

// SetGapState records the state of analysis id, unless it is done.
// Errors: NotFound (or done), Unavailable.
func (s *GapStore) SetGapState(ctx context.Context, id int64, state planning.JobState, reason string) error {
	return s.db.setQueuedState(ctx, fmt.Sprintf("set state of gap analysis %d", id), qGapSetState, id, state, reason)
}

// CoveredShares returns the covered share of each polygon of zoneIDs;
// see planning.GapStore. Errors: Unavailable.
func (s *GapStore) CoveredShares(ctx context.Context, zoneIDs, coverageIDs []int64) (map[int64]float64, error) {
	const op = "covered shares of villages"
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapCoveredShares, zoneIDs, coverageIDs)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	out := map[int64]float64{}
	for rows.Next() {
		var id int64
		var share float64
		if err := rows.Scan(&id, &share); err != nil {
			return nil, opError(op, translate(err))
		}
		out[id] = share
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// SaveGapResult stores the villages' results, the sites with their
// levels and the gap polygons and marks analysis id done, in one
// transaction; see planning.GapStore. Errors: NotFound, Unavailable.
func (s *GapStore) SaveGapResult(ctx context.Context, id int64, r planning.GapResult) (planning.GapCounts, error) {
	op := fmt.Sprintf("store gap analysis %d", id)
	counts := r.Counts
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return counts, opError(op, translate(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	var villages, sites, levels [][]any
	for _, v := range r.Villages {
		for mnc, cc := range v.Coverage {
			var share any
			if sh, ok := r.Shares[v.ZoneID][mnc]; ok && v.IsArea() {
				share = finiteOrNil(sh)
			}
			villages = append(villages, []any{id, v.ZoneID, mnc, string(cc.Status), finiteOrNil(cc.LevelDBm), string(v.NotSpot), share})
		}
	}
	var coverageIDs []int64
	for _, g := range r.Sites {
		coverageIDs = append(coverageIDs, g.CoverageID)
		sites = append(sites, []any{id, g.Carrier, g.InputHash, g.Location[0], g.Location[1], g.RadiusM, g.ThresholdDBm, g.CoverageID})
		for zone, lv := range g.LevelDBm {
			levels = append(levels, []any{id, g.Carrier, g.InputHash, zone, finiteOrNil(lv)})
		}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"gap_village", []string{"analysis_id", "zone_id", "carrier", "status", "level_dbm", "not_spot", "covered_share"}, villages},
		{"gap_site", []string{"analysis_id", "carrier", "input_hash", "lon", "lat", "radius_m", "threshold_dbm", "coverage_id"}, sites},
		{"gap_level", []string{"analysis_id", "carrier", "input_hash", "zone_id", "level_dbm"}, levels},
	} {
		bctx, cancel := s.db.bulk(ctx)
		_, err = tx.CopyFrom(bctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows))
		cancel()
		if err != nil {
			return counts, opError(op, translate(err))
		}
	}
	bctx, cancel := s.db.bulk(ctx)
	err = tx.QueryRow(bctx, qGapAreasInsert, id, r.Populated, coverageIDs, r.BufferM, r.ReuseAreasOf, r.Redraw).Scan(&counts.GapAreas, &counts.GapKm2)
	cancel()
	if err != nil {
		return counts, opError(op, translate(err))
	}
	cj, err := json.Marshal(newGapCountsJSON(counts))
	if err != nil {
		return counts, fmt.Errorf("%s: %w", op, err)
	}
	var got int64
	if err := s.db.queryRow(ctx, tx, qGapDone, []any{id, cj}, &got); err != nil {
		return counts, opError(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return counts, opError(op, translate(err))
	}
	return counts, nil
}

// PreviousGapAnalysis returns the latest done analysis other than id with
// reuseKey, with its sites, their levels and the villages' covered
// shares; see planning.GapStore. Errors: Unavailable.
func (s *GapStore) PreviousGapAnalysis(ctx context.Context, id int64, reuseKey string) (planning.GapPrevious, error) {
	op := fmt.Sprintf("previous of gap analysis %d", id)
	var prev planning.GapPrevious
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	err := s.db.pool.QueryRow(qctx, qGapPrevious, id, reuseKey).Scan(&prev.ID)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return planning.GapPrevious{}, nil
	case err != nil:
		return prev, opError(op, translate(err))
	}
	key := func(carrier, hash string) string { return carrier + " " + hash }
	each := func(query string, scans []any, f func() error) error {
		rows, err := s.db.pool.Query(qctx, query, prev.ID)
		if err != nil {
			return err
		}
		_, err = pgx.ForEachRow(rows, scans, f)
		return err
	}
	prev.Sites = map[string]planning.GapSite{}
	var g planning.GapSite
	var lon, lat float64
	err = each(qGapPreviousSites,
		[]any{&g.Carrier, &g.InputHash, &lon, &lat, &g.RadiusM, &g.ThresholdDBm, &g.CoverageID}, func() error {
			g.Location = orb.Point{lon, lat}
			g.LevelDBm = map[int64]float64{}
			prev.Sites[key(g.Carrier, g.InputHash)] = g
			return nil
		})
	if err != nil {
		return prev, opError(op, translate(err))
	}
	var carrier, hash string
	var zone int64
	var lv *float64
	err = each(qGapPreviousLevels,
		[]any{&carrier, &hash, &zone, &lv}, func() error {
			v := math.NaN()
			if lv != nil {
				v = *lv
			}
			if site, ok := prev.Sites[key(carrier, hash)]; ok {
				site.LevelDBm[zone] = v
			}
			return nil
		})
	if err != nil {
		return prev, opError(op, translate(err))
	}
	prev.Shares = map[int64]map[string]float64{}
	var share *float64
	err = each(qGapPreviousShares,
		[]any{&zone, &carrier, &share}, func() error {
			v := math.NaN()
			if share != nil {
				v = *share
			}
			if prev.Shares[zone] == nil {
				prev.Shares[zone] = map[string]float64{}
			}
			prev.Shares[zone][carrier] = v
			return nil
		})
	if err != nil {
		return prev, opError(op, translate(err))
	}
	return prev, nil
}

// GapVillageResults returns the villages of analysis id with their
// per-carrier results, in zone order. Errors: Unavailable.
func (s *GapStore) GapVillageResults(ctx context.Context, id int64) ([]planning.GapVillage, error) {
	op := fmt.Sprintf("villages of gap analysis %d", id)
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapVillageResults, id)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	var out []planning.GapVillage
	for rows.Next() {
		var vr villageRow
		var mnc, status, notSpot string
		var lv *float64
		if err := rows.Scan(append(vr.dest(), &mnc, &status, &lv, &notSpot)...); err != nil {
			return nil, opError(op, translate(err))
		}
		if n := len(out); n == 0 || out[n-1].ZoneID != vr.v.ZoneID {
			v, err := vr.village()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			out = append(out, planning.GapVillage{Village: v, Coverage: map[string]planning.CarrierCoverage{},
				NotSpot: planning.NotSpot(notSpot)})
		}
		cc := planning.CarrierCoverage{Status: planning.VillageStatus(status), LevelDBm: math.NaN()}
		if lv != nil {
			cc.LevelDBm = *lv
		}
		out[len(out)-1].Coverage[mnc] = cc
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// GapAreas returns the gap polygons of analysis id, largest first.
// Errors: Unavailable.
func (s *GapStore) GapAreas(ctx context.Context, id int64) ([]planning.GapArea, error) {
	op := fmt.Sprintf("gaps of gap analysis %d", id)
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapAreas, id)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	var out []planning.GapArea
	for rows.Next() {
		var a planning.GapArea
		var wkb []byte
		if err := rows.Scan(&a.ID, &wkb, &a.AreaKm2); err != nil {
			return nil, opError(op, translate(err))
		}
		g, err := orbOf(wkb)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		mp, ok := g.(orb.MultiPolygon)
		if !ok {
			return nil, fmt.Errorf("%s: gap %d is a %T", op, a.ID, g)
		}
		a.Geometry = mp
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}
