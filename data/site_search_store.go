package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/site_search_insert.sql
	qSiteSearchInsert string
	//go:embed sql/site_search_set_job.sql
	qSiteSearchSetJob string
	//go:embed sql/site_search_by_id.sql
	qSiteSearchByID string
	//go:embed sql/site_searches.sql
	qSiteSearches string
	//go:embed sql/site_search_set_state.sql
	qSiteSearchSetState string
	//go:embed sql/site_search_done.sql
	qSiteSearchDone string
	//go:embed sql/site_search_location_insert.sql
	qSiteSearchLocationInsert string
	//go:embed sql/site_search_draft_case.sql
	qSiteSearchDraftCase string
	//go:embed sql/site_search_locations.sql
	qSiteSearchLocations string
	//go:embed sql/site_search_set_proposal.sql
	qSiteSearchSetProposal string
	//go:embed sql/site_search_villages_by_id.sql
	qSiteSearchVillagesByID string
	//go:embed sql/site_search_infra.sql
	qSiteSearchInfra string
	//go:embed sql/site_search_inside_unit.sql
	qSiteSearchInsideUnit string
)

// SiteSearchStore keeps best-site searches in site_search and
// site_search_location, and their draft cases in review_case; it
// implements planning.SiteSearchStore.
type SiteSearchStore struct {
	db          *DB
	afterCreate afterCreateFunc
}

var _ planning.SiteSearchStore = (*SiteSearchStore)(nil)

// NewSiteSearchStore returns a SiteSearchStore on db.
func NewSiteSearchStore(db *DB) *SiteSearchStore { return &SiteSearchStore{db: db} }

// AfterCreate makes CreateSiteSearch call f inside its transaction to
// queue the search's job (jobs.Queue.InsertSiteSearchTx). Call it before
// the store is used.
func (s *SiteSearchStore) AfterCreate(f func(ctx context.Context, tx pgx.Tx, searchID int64) (int64, error)) {
	s.afterCreate = f
}

// searchParamsJSON is how planning.SearchParams is kept in
// site_search.params (and what the API shows): the request's member names.
type searchParamsJSON struct {
	AdminUnit   string        `json:"admin_unit,omitempty"`
	BBox        []float64     `json:"bbox,omitempty"`
	VillageIDs  []int64       `json:"village_ids,omitempty"`
	Carrier     string        `json:"carrier"`
	N           int           `json:"n"`
	Structure   string        `json:"structure"`
	HeightM     float64       `json:"height_m"`
	Antennas    []antennaJSON `json:"antennas"`
	RequestedBy string        `json:"requested_by,omitempty"`
}

type antennaJSON struct {
	AzimuthDeg float64 `json:"azimuth_deg"`
	TiltDeg    float64 `json:"tilt_deg"`
	BandMHz    float64 `json:"band_mhz"`
	EIRPdBm    float64 `json:"eirp_dbm"`
	Technology string  `json:"technology"`
}

func antennasJSON(as []planning.Antenna) []antennaJSON {
	out := make([]antennaJSON, len(as))
	for i, a := range as {
		out[i] = antennaJSON(a)
	}
	return out
}

func antennasOf(as []antennaJSON) []planning.Antenna {
	var out []planning.Antenna
	for _, a := range as {
		out = append(out, planning.Antenna(a))
	}
	return out
}

func newSearchParamsJSON(p planning.SearchParams) searchParamsJSON {
	j := searchParamsJSON{AdminUnit: p.AdminUnit, VillageIDs: p.VillageIDs, Carrier: p.Carrier, N: p.N,
		Structure: string(p.Structure), HeightM: p.HeightM, Antennas: antennasJSON(p.Antennas), RequestedBy: p.RequestedBy}
	if b := p.BBox; b != nil {
		j.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	return j
}

func (j searchParamsJSON) params() planning.SearchParams {
	p := planning.SearchParams{AdminUnit: j.AdminUnit, VillageIDs: j.VillageIDs, Carrier: j.Carrier, N: j.N,
		Structure: planning.Structure(j.Structure), HeightM: j.HeightM, Antennas: antennasOf(j.Antennas), RequestedBy: j.RequestedBy}
	if len(j.BBox) == 4 {
		p.BBox = &orb.Bound{Min: orb.Point{j.BBox[0], j.BBox[1]}, Max: orb.Point{j.BBox[2], j.BBox[3]}}
	}
	return p
}

// searchCountsJSON is how planning.SearchCounts is kept in site_search.counts.
type searchCountsJSON struct {
	Villages             int            `json:"villages"`
	Targets              int            `json:"targets"`
	TargetPeople         int            `json:"target_people"`
	TargetsFrom          string         `json:"targets_from"`
	GapAnalysisID        int64          `json:"gap_analysis_id,omitempty"`
	CarrierCoverages     int            `json:"carrier_coverages,omitempty"`
	Candidates           map[string]int `json:"candidates"`
	Reaching             int            `json:"candidates_reaching"`
	ZoningChecked        int            `json:"zoning_checked"`
	ZoningConflicts      int            `json:"zoning_conflicts"`
	ZoningUnchecked      int            `json:"zoning_unchecked"`
	Locations            int            `json:"locations"`
	CoveredPeople        int            `json:"covered_people"`
	CoveredVillages      int            `json:"covered_villages"`
	Province             string         `json:"province"`
	RadioDefaultsVersion string         `json:"radio_defaults_version"`
	Technology           string         `json:"technology"`
	BandMHz              float64        `json:"band_mhz"`
	ThresholdDBm         float64        `json:"threshold_dbm"`
	DEMVersion           string         `json:"dem_version"`
	ElapsedMS            int64          `json:"elapsed_ms"`
}

func newSearchCountsJSON(c planning.SearchCounts) searchCountsJSON {
	j := searchCountsJSON{Villages: c.Villages, Targets: c.Targets, TargetPeople: c.TargetPeople, TargetsFrom: c.TargetsFrom,
		GapAnalysisID: c.GapAnalysisID, CarrierCoverages: c.CarrierCoverages, Candidates: map[string]int{},
		Reaching: c.Reaching, ZoningChecked: c.ZoningChecked, ZoningConflicts: c.ZoningConflicts, ZoningUnchecked: c.ZoningUnchecked,
		Locations: c.Locations, CoveredPeople: c.CoveredPeople, CoveredVillages: c.CoveredVillages, Province: c.Province,
		RadioDefaultsVersion: c.RadioDefaultsVersion, Technology: c.Technology, BandMHz: c.BandMHz, ThresholdDBm: c.ThresholdDBm,
		DEMVersion: c.DEMVersion, ElapsedMS: c.ElapsedMS}
	for k, v := range c.Candidates {
		j.Candidates[string(k)] = v
	}
	return j
}

func (j searchCountsJSON) counts() planning.SearchCounts {
	c := planning.SearchCounts{Villages: j.Villages, Targets: j.Targets, TargetPeople: j.TargetPeople, TargetsFrom: j.TargetsFrom,
		GapAnalysisID: j.GapAnalysisID, CarrierCoverages: j.CarrierCoverages, Candidates: map[planning.CandidateKind]int{},
		Reaching: j.Reaching, ZoningChecked: j.ZoningChecked, ZoningConflicts: j.ZoningConflicts, ZoningUnchecked: j.ZoningUnchecked,
		Locations: j.Locations, CoveredPeople: j.CoveredPeople, CoveredVillages: j.CoveredVillages, Province: j.Province,
		RadioDefaultsVersion: j.RadioDefaultsVersion, Technology: j.Technology, BandMHz: j.BandMHz, ThresholdDBm: j.ThresholdDBm,
		DEMVersion: j.DEMVersion, ElapsedMS: j.ElapsedMS}
	for k, v := range j.Candidates {
		c.Candidates[planning.CandidateKind(k)] = v
	}
	return c
}

// The jsonb columns of a location.
type (
	searchSiteJSON struct {
		Code      string        `json:"site_code"`
		Structure string        `json:"structure"`
		HeightM   float64       `json:"height_m"`
		Antennas  []antennaJSON `json:"antennas"`
	}
	candidateJSON struct {
		GroundM      *float64 `json:"ground_m"`
		ReliefM      float64  `json:"relief_m,omitempty"`
		Name         string   `json:"name,omitempty"`
		TowerCarrier string   `json:"tower_carrier,omitempty"`
		TowerCode    string   `json:"tower_code,omitempty"`
		TowerHeightM float64  `json:"tower_height_m,omitempty"`
	}
	searchVillageJSON struct {
		ZoneID     int64    `json:"zone_id"`
		Name       string   `json:"name"`
		Category   string   `json:"category"`
		Population *int     `json:"population"`
		LevelDBm   *float64 `json:"level_dbm"`
	}
	searchFindingJSON struct {
		RuleID      string  `json:"rule_id"`
		Severity    string  `json:"severity"`
		Layer       string  `json:"layer"`
		LayerKind   string  `json:"layer_kind"`
		FeatureID   int64   `json:"feature_id"`
		FeatureName string  `json:"feature_name"`
		Category    string  `json:"category"`
		DistanceM   float64 `json:"distance_m"`
		LimitM      float64 `json:"limit_m"`
		Authority   string  `json:"authority"`
		LegalBasis  string  `json:"legal_basis"`
		MessageVI   string  `json:"message_vi"`
		MessageEN   string  `json:"message_en"`
	}
)

// finiteOrNil is v, or nil (SQL NULL, JSON null) for NaN and infinities.
func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// CreateSiteSearch stores a queued search and, through the AfterCreate
// hook, queues its job in the same transaction. Errors: Unavailable.
func (s *SiteSearchStore) CreateSiteSearch(ctx context.Context, ss *planning.SiteSearch) error {
	const op = "store site search"
	params, err := json.Marshal(newSearchParamsJSON(ss.Params))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if ss.ID, ss.CreatedAt, ss.JobID, err = s.db.insertQueued(ctx, op, qSiteSearchInsert, []any{ss.Params.Carrier, params},
		qSiteSearchSetJob, s.afterCreate); err != nil {
		return err
	}
	ss.State = planning.JobQueued
	return nil
}

// SiteSearch returns search id. Errors: NotFound, Unavailable.
func (s *SiteSearchStore) SiteSearch(ctx context.Context, id int64) (planning.SiteSearch, error) {
	var pj searchParamsJSON
	var cj searchCountsJSON
	q, err := s.db.queuedRow(ctx, fmt.Sprintf("site search %d", id), qSiteSearchByID, id, &pj, &cj)
	if err != nil {
		return planning.SiteSearch{}, err
	}
	return planning.SiteSearch{ID: q.ID, JobID: q.JobID, State: q.State, Error: q.Error, CreatedAt: q.CreatedAt, DoneAt: q.DoneAt,
		Params: pj.params(), Counts: cj.counts()}, nil
}

// SiteSearches returns a page of the searches for carrier (every
// carrier's when empty), newest first, and how many there are. Errors:
// Unavailable.
func (s *SiteSearchStore) SiteSearches(ctx context.Context, carrier string, pg planning.ListPage) ([]planning.SiteSearch, int, error) {
	var out []planning.SiteSearch
	total, err := s.db.queuedRows(ctx, "list site searches", qSiteSearches, []any{carrier, pg.Limit, pg.Offset}, func(q queued, p, c []byte) error {
		var pj searchParamsJSON
		var cj searchCountsJSON
		if err := unmarshalBoth(p, c, &pj, &cj); err != nil {
			return err
		}
		out = append(out, planning.SiteSearch{ID: q.ID, JobID: q.JobID, State: q.State, Error: q.Error, CreatedAt: q.CreatedAt, DoneAt: q.DoneAt,
			Params: pj.params(), Counts: cj.counts()})
		return nil
	})
	return out, total, err
}

// SetSiteSearchState records the state of search id, unless it is done.
// Errors: NotFound (or done), Unavailable.
func (s *SiteSearchStore) SetSiteSearchState(ctx context.Context, id int64, state planning.JobState, reason string) error {
	return s.db.setQueuedState(ctx, fmt.Sprintf("set state of site search %d", id), qSiteSearchSetState, id, state, reason)
}

// VillagesByID returns the villages and hamlets among ids; see
// planning.SiteSearchStore. Errors: Unavailable.
func (s *SiteSearchStore) VillagesByID(ctx context.Context, ids []int64) ([]planning.Village, error) {
	return queryVillages(ctx, s.db, "villages by id", qSiteSearchVillagesByID, ids,
		[]string{planning.CategoryVillage, planning.CategoryHamlet})
}

// SearchInfra returns the roads, power lines and towers that meet bound;
// see planning.SiteSearchStore. Errors: Unavailable.
func (s *SiteSearchStore) SearchInfra(ctx context.Context, b orb.Bound) ([]planning.InfraFeature, error) {
	const op = "roads, power lines and towers of the area"
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qSiteSearchInfra, b.Min[0], b.Min[1], b.Max[0], b.Max[1], geo.SRIDWGS84)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	var out []planning.InfraFeature
	for rows.Next() {
		var f planning.InfraFeature
		var kind string
		var h *float64
		var wkb []byte
		if err := rows.Scan(&f.ZoneID, &kind, &f.Category, &f.Name, &f.Owner, &h, &wkb); err != nil {
			return nil, opError(op, translate(err))
		}
		g, err := orbOf(wkb)
		if err != nil {
			return nil, fmt.Errorf("%s: zone %d: %w", op, f.ZoneID, err)
		}
		if h != nil {
			f.HeightM = *h
		}
		switch {
		case kind == planning.KindTower:
			f.Kind = planning.CandidateTower
			f.Point = g.Bound().Center()
		case len(f.Category) >= 5 && f.Category[:5] == "road_":
			f.Kind = planning.CandidateRoad
		default:
			f.Kind = planning.CandidatePowerLine
		}
		if f.Kind != planning.CandidateTower {
			switch l := g.(type) {
			case orb.LineString:
				f.Line = orb.MultiLineString{l}
			case orb.MultiLineString:
				f.Line = l
			default:
				continue // a corridor drawn as an area: no line to follow
			}
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// InsideUnit returns which of pts admin unit code covers; see
// planning.SiteSearchStore. Errors: Unavailable.
func (s *SiteSearchStore) InsideUnit(ctx context.Context, code string, pts []orb.Point) ([]bool, error) {
	op := fmt.Sprintf("points inside admin unit %s", code)
	lons, lats := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lons[i], lats[i] = p[0], p[1]
	}
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qSiteSearchInsideUnit, code, lons, lats, geo.SRIDWGS84)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	out := make([]bool, len(pts))
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, opError(op, translate(err))
		}
		out[i] = true
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// SaveSiteSearchResult stores the locations with a draft case each and
// marks search id done, in one transaction; see planning.SiteSearchStore.
// Errors: NotFound (or done already), Unavailable.
func (s *SiteSearchStore) SaveSiteSearchResult(ctx context.Context, id int64, locs []planning.SearchLocation, counts planning.SearchCounts) error {
	op := fmt.Sprintf("store site search %d", id)
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return opError(op, translate(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	now := time.Now()
	for i := range locs {
		l := &locs[i]
		err := s.db.queryRow(ctx, tx, qSiteSearchDraftCase, []any{l.Site.Carrier, l.Site.Code, now}, &l.CaseID)
		switch {
		case planning.KindOf(err) == planning.NotFound:
			l.CaseID = 0 // the carrier has a case of that code already
		case err != nil:
			return opError(op, err)
		default:
			payload, _ := json.Marshal(map[string]string{"site_code": l.Site.Code, "site_search": fmt.Sprint(id)})
			if err := s.db.exec(ctx, tx, qAuditInsert, now, "system", "case.draft", nil, payload,
				nil, l.Site.Carrier, "", l.CaseID, "", string(planning.StateDraft)); err != nil {
				return opError(op, err)
			}
		}
		if err := s.insertLocation(ctx, tx, id, l); err != nil {
			return opError(op, err)
		}
	}
	cj, err := json.Marshal(newSearchCountsJSON(counts))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var got int64
	if err := s.db.queryRow(ctx, tx, qSiteSearchDone, []any{id, cj}, &got); err != nil {
		return opError(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return opError(op, translate(err))
	}
	return nil
}

func (s *SiteSearchStore) insertLocation(ctx context.Context, tx pgx.Tx, id int64, l *planning.SearchLocation) error {
	pt, err := ewkbOf(l.Site.Location)
	if err != nil {
		return err
	}
	c := l.Candidate
	site, _ := json.Marshal(searchSiteJSON{Code: l.Site.Code, Structure: string(l.Site.Structure), HeightM: l.Site.HeightM,
		Antennas: antennasJSON(l.Site.Antennas)})
	cand, _ := json.Marshal(candidateJSON{GroundM: finiteOrNil(c.GroundM), ReliefM: c.ReliefM, Name: c.Name,
		TowerCarrier: c.TowerCarrier, TowerCode: c.TowerCode, TowerHeightM: c.TowerHeightM})
	vs := make([]searchVillageJSON, len(l.Villages))
	for i, v := range l.Villages {
		vs[i] = searchVillageJSON{ZoneID: v.ZoneID, Name: v.Name, Category: v.Category, LevelDBm: finiteOrNil(v.LevelDBm)}
		if v.HasPopulation {
			n := v.Population
			vs[i].Population = &n
		}
	}
	villages, _ := json.Marshal(vs)
	fs := make([]searchFindingJSON, len(l.Findings))
	for i, f := range l.Findings {
		fs[i] = searchFindingJSON{RuleID: f.RuleID, Severity: string(f.Severity), Layer: f.Layer, LayerKind: f.LayerKind,
			FeatureID: f.FeatureID, FeatureName: f.FeatureName, Category: f.Category, DistanceM: f.DistanceM, LimitM: f.LimitM,
			Authority: f.Authority, LegalBasis: f.LegalBasis, MessageVI: f.Message.VI, MessageEN: f.Message.EN}
	}
	findings, _ := json.Marshal(fs)
	return s.db.exec(ctx, tx, qSiteSearchLocationInsert, id, l.Rank, pt, string(c.Kind), site, cand, l.MarginalPeople,
		l.CumulativePeople, l.CumulativeVillages, villages, string(l.Verdict), findings, l.Province, l.AdminUnit, l.CaseID)
}

// SiteSearchLocations returns the locations of search id, by rank, with
// the search's carrier on their sites. Errors: Unavailable.
func (s *SiteSearchStore) SiteSearchLocations(ctx context.Context, id int64) ([]planning.SearchLocation, error) {
	op := fmt.Sprintf("locations of site search %d", id)
	ss, err := s.SiteSearch(ctx, id)
	if err != nil {
		return nil, err
	}
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qSiteSearchLocations, id)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	var out []planning.SearchLocation
	for rows.Next() {
		var l planning.SearchLocation
		var x, y float64
		var kind, verdict string
		var site, cand, villages, findings []byte
		if err := rows.Scan(&l.Rank, &x, &y, &kind, &site, &cand, &l.MarginalPeople, &l.CumulativePeople,
			&l.CumulativeVillages, &villages, &verdict, &findings, &l.Province, &l.AdminUnit, &l.CaseID, &l.ProposalID); err != nil {
			return nil, opError(op, translate(err))
		}
		l.Verdict = planning.Verdict(verdict)
		var sj searchSiteJSON
		var cj candidateJSON
		var vj []searchVillageJSON
		var fj []searchFindingJSON
		for _, d := range []struct {
			b []byte
			v any
		}{{site, &sj}, {cand, &cj}, {villages, &vj}, {findings, &fj}} {
			if err := json.Unmarshal(d.b, d.v); err != nil {
				return nil, fmt.Errorf("%s: rank %d: %w", op, l.Rank, err)
			}
		}
		p := orb.Point{x, y}
		l.Site = planning.Site{Carrier: ss.Params.Carrier, Code: sj.Code, Location: p, Structure: planning.Structure(sj.Structure),
			HeightM: sj.HeightM, Antennas: antennasOf(sj.Antennas)}
		l.Candidate = planning.Candidate{Kind: planning.CandidateKind(kind), Location: p, GroundM: math.NaN(), ReliefM: cj.ReliefM,
			Name: cj.Name, TowerCarrier: cj.TowerCarrier, TowerCode: cj.TowerCode, TowerHeightM: cj.TowerHeightM}
		if cj.GroundM != nil {
			l.Candidate.GroundM = *cj.GroundM
		}
		for _, v := range vj {
			sv := planning.SearchVillage{ZoneID: v.ZoneID, Name: v.Name, Category: v.Category, LevelDBm: math.NaN()}
			if v.Population != nil {
				sv.Population, sv.HasPopulation = *v.Population, true
			}
			if v.LevelDBm != nil {
				sv.LevelDBm = *v.LevelDBm
			}
			l.Villages = append(l.Villages, sv)
		}
		for _, f := range fj {
			l.Findings = append(l.Findings, planning.Finding{RuleID: f.RuleID, Severity: planning.Severity(f.Severity), Layer: f.Layer,
				LayerKind: f.LayerKind, FeatureID: f.FeatureID, FeatureName: f.FeatureName, Category: f.Category, DistanceM: f.DistanceM,
				LimitM: f.LimitM, Authority: f.Authority, LegalBasis: f.LegalBasis, Message: planning.Text{VI: f.MessageVI, EN: f.MessageEN}})
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// SetLocationProposal records the proposal that adopted location rank of
// search id. Errors: NotFound, Unavailable.
func (s *SiteSearchStore) SetLocationProposal(ctx context.Context, id int64, rank int, proposalID int64) error {
	op := fmt.Sprintf("adopt location %d of site search %d", rank, id)
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	var got int
	if err := s.db.pool.QueryRow(qctx, qSiteSearchSetProposal, id, rank, proposalID).Scan(&got); err != nil {
		return opError(op, translate(err))
	}
	return nil
}
