package planning

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// SiteSearchService starts best-site searches, runs them (in a job
// worker), serves their results and adopts their locations as proposals.
// It is safe for concurrent use.
type SiteSearchService struct {
	store   SiteSearchStore
	svc     *Service
	gaps    *GapService
	fill    GapFillStore
	terrain TerrainSource
	review  *Review
	jobs    Jobs
	now     func() time.Time
}

// NewSiteSearchService returns a SiteSearchService. svc checks the zoning
// of the candidates; gaps reads the area's villages and, when no gap
// analysis classified them, computes the carrier's coverage of them; fill
// reads the villages' latest gap-analysis statuses; terrain gives the DEM.
// review adopts locations (nil answers Adopt Unavailable); jobs reports a
// running search's progress (nil reports the stored state).
func NewSiteSearchService(store SiteSearchStore, svc *Service, gaps *GapService, fill GapFillStore, terrain TerrainSource, review *Review, jobs Jobs) *SiteSearchService {
	return &SiteSearchService{store: store, svc: svc, gaps: gaps, fill: fill, terrain: terrain, review: review, jobs: jobs, now: time.Now}
}

// SearchSiteCode is the site code of the draft proposal of location rank
// of search id.
func SearchSiteCode(id int64, rank int) string { return fmt.Sprintf("SEARCH-%d-%d", id, rank) }

// Start checks p, makes sure the area can be searched, stores the search
// and queues its job. who is the caller: a carrier searches only for its
// own organization (Forbidden naming /carrier otherwise). Errors are
// Invalid and name the field: no area or more than one, an unknown admin
// unit, a bad bbox, an unknown village id, an unknown carrier, n outside
// 1..MaxSearchN, a bad structure, height or antenna, and an area with no
// villages or no DEM under them; Forbidden; Unavailable.
func (s *SiteSearchService) Start(ctx context.Context, who Principal, p SearchParams) (SiteSearch, error) {
	const op = "start site search"
	if who.Has(RoleCarrier) && !who.HasAny(RoleAdmin, RoleAnalyst) && p.Carrier != who.Org {
		return SiteSearch{}, &Error{Op: op, Kind: Forbidden, Field: FieldSearchCarrier,
			Err: fmt.Errorf("a carrier searches only for its own organization (%s)", who.Org)}
	}
	p = withSearchDefaults(p)
	if err := s.checkParams(ctx, p); err != nil {
		return SiteSearch{}, &Error{Op: op, Kind: KindOf(err), Err: err}
	}
	vs, areaField, err := s.villages(ctx, p)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	if len(vs) == 0 {
		return SiteSearch{}, &Error{Op: op, Kind: Invalid, Field: areaField,
			Err: errors.New("the area has no villages: import a settlement layer with categories village or hamlet")}
	}
	centres := make([]orb.Point, len(vs))
	for i, v := range vs {
		centres[i] = v.Centre
	}
	outside, anyDEM, err := s.gaps.nets.store.OutsideDEM(ctx, centres)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	switch {
	case !anyDEM:
		return SiteSearch{}, &Error{Op: op, Kind: Invalid, Field: areaField, Err: errors.New("no DEM is loaded: import the elevation tiles of the area")}
	case len(outside) == len(centres):
		return SiteSearch{}, &Error{Op: op, Kind: Invalid, Field: areaField, Err: errors.New("no DEM covers the area's villages: import the elevation tiles of the area")}
	}
	if len(p.Antennas) == 0 {
		// The defaults are stored with the search, so that what ran is
		// what it shows.
		b, err := s.bound(ctx, p, vs)
		if err != nil {
			return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
		}
		province, err := s.svc.provinceAt(ctx, b.Center())
		if err != nil {
			return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
		}
		p.Antennas = DefaultSearchAntennas(s.gaps.nets.radio.For(province))
	}
	p.RequestedBy = who.Org
	ss := SiteSearch{Params: p, State: JobQueued}
	if err := s.store.CreateSiteSearch(ctx, &ss); err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	return ss, nil
}

func withSearchDefaults(p SearchParams) SearchParams {
	if p.N == 0 {
		p.N = DefaultSearchN
	}
	if p.Structure == "" {
		p.Structure = DefaultSearchStructure
	}
	if p.HeightM == 0 {
		p.HeightM = DefaultSearchHeightM
	}
	return p
}

func (s *SiteSearchService) checkParams(ctx context.Context, p SearchParams) error {
	var errs []error
	areas := 0
	for _, given := range []bool{p.AdminUnit != "", p.BBox != nil, len(p.VillageIDs) > 0} {
		if given {
			areas++
		}
	}
	switch {
	case areas == 0:
		errs = append(errs, FieldError(FieldSearchAdminUnit, "give admin_unit, bbox or village_ids"))
	case areas > 1:
		errs = append(errs, FieldError(FieldSearchAdminUnit, "give one of admin_unit, bbox and village_ids, not more"))
	case p.AdminUnit != "":
		if err := CheckLine(FieldSearchAdminUnit, p.AdminUnit, MaxCodeChars); err != nil {
			errs = append(errs, err)
		}
	case p.BBox != nil:
		if err := CheckBBox(FieldSearchBBox, *p.BBox); err != nil {
			errs = append(errs, err)
		}
	default:
		if len(p.VillageIDs) > MaxSearchVillageIDs {
			errs = append(errs, FieldError(FieldSearchVillageIDs, "%d villages; at most %d", len(p.VillageIDs), MaxSearchVillageIDs))
			break // not one error per repeated id of a huge list
		}
		seen := map[int64]bool{}
		for i, id := range p.VillageIDs {
			if seen[id] {
				errs = append(errs, FieldError(fmt.Sprintf("%s/%d", FieldSearchVillageIDs, i), "village %d is given twice", id))
			}
			seen[id] = true
		}
	}
	if err := CheckLine(FieldSearchCarrier, p.Carrier, MaxCodeChars); err != nil {
		errs = append(errs, err)
	} else if err := s.gaps.nets.checkCarrier(ctx, p.Carrier, FieldSearchCarrier, ""); err != nil {
		errs = append(errs, err)
	}
	if p.N < 1 || p.N > MaxSearchN {
		errs = append(errs, FieldError(FieldSearchN, "%d is outside 1..%d", p.N, MaxSearchN))
	}
	if err := CheckLine(FieldSearchStructure, string(p.Structure), MaxCodeChars); err != nil {
		errs = append(errs, err)
	} else if !p.Structure.Valid() {
		errs = append(errs, FieldError(FieldSearchStructure, "unknown structure class %q (want %s)", p.Structure, structureNames()))
	}
	switch h := p.HeightM; {
	case !finite(h) || h < MinHeightM || h > MaxHeightM:
		errs = append(errs, FieldError(FieldSearchHeight, "height %g m is outside %g..%g m", h, MinHeightM, MaxHeightM))
	}
	if len(p.Antennas) > MaxAntennas {
		errs = append(errs, FieldError(FieldSearchAntennas, "%d antennas; at most %d are allowed on one site", len(p.Antennas), MaxAntennas))
	} else {
		for i, a := range p.Antennas {
			errs = append(errs, validateAntenna(fmt.Sprintf("%s/%d/", FieldSearchAntennas, i), a)...)
		}
	}
	for _, e := range errs {
		if KindOf(e) != Invalid {
			return e // the store's: Unavailable
		}
	}
	return errors.Join(errs...)
}

// villages returns the villages and hamlets of p's area (home clusters
// left out) and the field that names the area in errors. Errors: Invalid
// naming an unknown admin unit or village id; the store's.
func (s *SiteSearchService) villages(ctx context.Context, p SearchParams) ([]Village, string, error) {
	var vs []Village
	var err error
	field := FieldSearchBBox
	switch {
	case len(p.VillageIDs) > 0:
		field = FieldSearchVillageIDs
		if vs, err = s.store.VillagesByID(ctx, p.VillageIDs); err != nil {
			return nil, field, err
		}
		found := map[int64]bool{}
		for _, v := range vs {
			found[v.ZoneID] = true
		}
		var errs []error
		for i, id := range p.VillageIDs {
			if !found[id] {
				errs = append(errs, FieldError(fmt.Sprintf("%s/%d", FieldSearchVillageIDs, i), "no village or hamlet has id %d in the current settlement layers", id))
			}
		}
		if len(errs) > 0 {
			return nil, field, errors.Join(errs...)
		}
	default:
		if p.AdminUnit != "" {
			field = FieldSearchAdminUnit
		}
		if vs, err = s.gaps.store.GapVillages(ctx, GapParams{AdminUnit: p.AdminUnit, BBox: p.BBox}); err != nil {
			return nil, field, err
		}
	}
	out := vs[:0]
	for _, v := range vs {
		if v.Category != CategoryHomeCluster {
			out = append(out, v)
		}
	}
	return out, field, nil
}

// bound returns where the candidates of p may stand: the admin unit's or
// the bbox's extent, or the villages' widened by SearchVillageMarginM.
func (s *SiteSearchService) bound(ctx context.Context, p SearchParams, vs []Village) (orb.Bound, error) {
	if len(p.VillageIDs) == 0 {
		return s.gaps.store.GapBound(ctx, GapParams{AdminUnit: p.AdminUnit, BBox: p.BBox})
	}
	b := orb.Bound{Min: vs[0].Centre, Max: vs[0].Centre}
	for _, v := range vs[1:] {
		b = b.Extend(v.Centre)
	}
	lonM, latM := geo.MetresPerDegree(b.Center()[1])
	m := SearchVillageMarginM
	return orb.Bound{Min: orb.Point{b.Min[0] - m/lonM, b.Min[1] - m/latM}, Max: orb.Point{b.Max[0] + m/lonM, b.Max[1] + m/latM}}, nil
}

// Search returns a search as it stands (while it is not done, its job's
// state and progress), as who may see it (CanSeeSearch). Errors:
// NotFound, also for a search who may not see; Unavailable.
func (s *SiteSearchService) Search(ctx context.Context, who Principal, id int64) (SiteSearch, error) {
	ss, err := s.store.SiteSearch(ctx, id)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("site search %d: %w", id, err)
	}
	if !CanSeeSearch(who, ss) {
		return SiteSearch{}, &Error{Kind: NotFound, Err: fmt.Errorf("site search %d not found", id)}
	}
	if err := followJob(ctx, s.jobs, ss.JobID, &ss.State, &ss.Progress, &ss.Error); err != nil {
		return SiteSearch{}, fmt.Errorf("site search %d: %w", id, err)
	}
	return ss, nil
}

// ErrSearchNotDone is the reason of asking for the locations of a search
// that is not done.
var ErrSearchNotDone = errors.New("the search is not done")

// Locations returns the locations of a done search, by rank. Errors: as
// Search's, and Exists naming "id" when it is not done.
func (s *SiteSearchService) Locations(ctx context.Context, who Principal, id int64) (SiteSearch, []SearchLocation, error) {
	ss, err := s.Search(ctx, who, id)
	if err != nil {
		return ss, nil, err
	}
	if ss.State != JobDone {
		return ss, nil, &Error{Kind: Exists, Field: "id", Err: fmt.Errorf("%w: it is %s", ErrSearchNotDone, ss.State)}
	}
	locs, err := s.store.SiteSearchLocations(ctx, id)
	if err != nil {
		return ss, nil, fmt.Errorf("locations of site search %d: %w", id, err)
	}
	return ss, locs, nil
}

// Adopt submits location rank of search id as the carrier's proposal,
// in one call: its draft case goes draft → submitted → assessed through
// Review.Submit, which assesses the site again (zoning may have changed
// since the search). who must be a carrier of the search's carrier.
// Errors: NotFound (a search who may not see, an unknown rank); those of
// Locations and Review.Submit (Exists when adopted already).
func (s *SiteSearchService) Adopt(ctx context.Context, who Principal, id int64, rank int, m RequestMeta) (Submitted, error) {
	op := fmt.Sprintf("adopt location %d of site search %d", rank, id)
	if s.review == nil {
		return Submitted{}, &Error{Op: op, Kind: Unavailable, Err: errors.New("the case workflow is not configured")}
	}
	_, locs, err := s.Locations(ctx, who, id)
	if err != nil {
		return Submitted{}, err
	}
	i := slices.IndexFunc(locs, func(l SearchLocation) bool { return l.Rank == rank })
	if i < 0 {
		return Submitted{}, &Error{Op: op, Kind: NotFound, Err: fmt.Errorf("site search %d has no location of rank %d", id, rank)}
	}
	sub, err := s.review.Submit(ctx, who, locs[i].Site, m)
	if err != nil {
		return Submitted{}, err
	}
	if err := s.store.SetLocationProposal(ctx, id, rank, sub.Proposal.ID); err != nil {
		return Submitted{}, fmt.Errorf("%s: %w", op, err)
	}
	return sub, nil
}

// Fail records that search id failed (or was cancelled) for reason; the
// job worker calls it when Run returns an error that is not retried.
func (s *SiteSearchService) Fail(ctx context.Context, id int64, state JobState, reason string) error {
	return s.store.SetSiteSearchState(ctx, id, state, reason)
}

// Run computes search id:
//
//  1. the villages of the area, and the targets among them: those the
//     carrier leaves trắng sóng, from the latest gap analysis that
//     classified them all for the carrier, or else from the carrier's
//     existing coverage computed now (GapService.CarrierLevels);
//  2. the radio configuration: the radio defaults of the area's province,
//     the search's antennas (or DefaultSearchAntennas) at its height, as a
//     proposal's coverage reads them (ProposalCoverageParams);
//  3. the candidates (Candidates) in the area (an admin unit's own
//     polygon, not just its extent): existing towers tall enough to
//     share, DEM peaks and ridges, points beside roads and power lines;
//  4. each candidate's level at each target's centre by ITM point to
//     point over a DEM profile (coverage.PointLevels, no raster), on
//     GOMAXPROCS workers: covered at or above the threshold;
//  5. greedy maximum coverage weighted by population (GreedyMaxCoverage,
//     with its 1 − 1/e guarantee), each pick's zoning checked by
//     Service.Check: a CONFLICT is never chosen, CONDITIONAL findings are
//     listed;
//
// and stores the locations, each with a draft case of the carrier, and
// marks the search done. progress is called with candidates done of
// total. ctx is checked between candidates. Errors: NotFound, Invalid (the
// area lost its villages or DEM meanwhile), Unavailable (a cancelled
// context included), those of the stores.
func (s *SiteSearchService) Run(ctx context.Context, id int64, progress func(done, total int)) (SiteSearch, error) {
	op := fmt.Sprintf("run site search %d", id)
	t0 := s.now()
	ss, err := s.store.SiteSearch(ctx, id)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	if ss.State == JobDone {
		return ss, nil
	}
	if err := s.store.SetSiteSearchState(ctx, id, JobRunning, ""); err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	p := ss.Params
	report := func(done, total int) {
		if progress != nil {
			progress(done, total)
		}
	}
	vs, areaField, err := s.villages(ctx, p)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	if len(vs) == 0 {
		return SiteSearch{}, &Error{Op: op, Kind: Invalid, Field: areaField, Err: errors.New("the area has no villages any more")}
	}
	bound, err := s.bound(ctx, p, vs)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	var counts SearchCounts
	counts.Villages = len(vs)
	if counts.Province, err = s.svc.provinceAt(ctx, bound.Center()); err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	defs := s.gaps.nets.radio.For(counts.Province)
	counts.RadioDefaultsVersion = defs.Version

	// 1. The targets.
	targets, err := s.targets(ctx, p.Carrier, counts.Province, vs, &counts)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	counts.Targets = len(targets)
	for _, v := range targets {
		counts.TargetPeople += v.Population
	}

	// 2. The radio configuration of every candidate.
	antennas := p.Antennas
	if len(antennas) == 0 {
		antennas = DefaultSearchAntennas(defs)
	}
	template := Site{Carrier: p.Carrier, Location: bound.Center(), Structure: p.Structure, HeightM: p.HeightM, Antennas: antennas}
	cp, opts, _, err := ProposalCoverageParams(template, defs)
	if err != nil {
		return SiteSearch{}, &Error{Op: op, Kind: Invalid, Field: FieldSearchAntennas, Err: err}
	}
	counts.Technology, counts.BandMHz, counts.ThresholdDBm = string(cp.Technology), cp.FreqMHz, cp.ThresholdDBm

	// 3. The DEM and the candidates.
	radiusM := opts.RadiusM
	if radiusM == 0 {
		radiusM = coverage.DefaultRadiusM
	}
	half := geo.DistanceM(bound.Min, bound.Max) / 2
	dem, info, err := s.terrain.Window(ctx, bound.Center()[0], bound.Center()[1], half+radiusM+coverage.TerrainMarginM)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: terrain of the area: %w", op, err)
	}
	counts.DEMVersion = info.Version
	infra, err := s.store.SearchInfra(ctx, bound)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	sites, err := s.gaps.nets.store.Sites(ctx, SiteFilter{BBox: &bound})
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	cands := Candidates(CandidateInput{Bound: bound, DEM: dem, Infra: infra, Sites: sites, HeightM: p.HeightM})
	if p.AdminUnit != "" && len(cands) > 0 {
		// The bound is the unit's extent: keep what the unit covers.
		pts := make([]orb.Point, len(cands))
		for i, c := range cands {
			pts[i] = c.Location
		}
		in, err := s.store.InsideUnit(ctx, p.AdminUnit, pts)
		if err != nil {
			return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
		}
		kept := cands[:0]
		for i, c := range cands {
			if in[i] {
				kept = append(kept, c)
			}
		}
		cands = kept
	}
	counts.Candidates = map[CandidateKind]int{}
	for _, c := range cands {
		counts.Candidates[c.Kind]++
	}

	// 4. Each candidate's level at each target.
	levels, err := CandidateLevels(ctx, dem, cp, opts, cands, targets, func(done int) { report(done, len(cands)+1) })
	if err != nil {
		return SiteSearch{}, &Error{Op: op, Kind: KindOf(err), Err: err}
	}
	in := CoverInstanceOf(levels, targets, cp.ThresholdDBm)
	for _, ts := range in.Covers {
		if len(ts) > 0 {
			counts.Reaching++
		}
	}

	// 5. Greedy maximum coverage, zoning checked lazily.
	assessed := map[int]Assessment{}
	allowed := func(c int) (bool, error) {
		site := template
		site.Location = cands[c].Location
		counts.ZoningChecked++
		a, err := s.svc.Check(ctx, site)
		switch {
		case KindOf(err) == Invalid:
			counts.ZoningUnchecked++
			return false, nil
		case err != nil:
			return false, err
		case a.Verdict == Conflict:
			counts.ZoningConflicts++
			return false, nil
		}
		assessed[c] = a
		return true, nil
	}
	picks, err := GreedyMaxCoverage(in, p.N, allowed)
	if err != nil {
		return SiteSearch{}, fmt.Errorf("%s: zoning: %w", op, err)
	}
	locs := make([]SearchLocation, len(picks))
	for k, pk := range picks {
		c := cands[pk.Candidate]
		a := assessed[pk.Candidate]
		site := template
		site.Location = c.Location
		site.Code = SearchSiteCode(id, k+1)
		loc := SearchLocation{Rank: k + 1, Candidate: c, Site: site, MarginalPeople: pk.People,
			CumulativePeople: pk.CumulativePeople, CumulativeVillages: pk.CumulativeTarget,
			Verdict: a.Verdict, Province: a.Province, AdminUnit: a.AdminUnit}
		for _, f := range a.Findings {
			if f.Severity == SeverityCondition {
				loc.Findings = append(loc.Findings, f)
			}
		}
		for _, t := range pk.New {
			v := targets[t]
			loc.Villages = append(loc.Villages, SearchVillage{ZoneID: v.ZoneID, Name: v.Name, Category: v.Category,
				Population: v.Population, HasPopulation: v.HasPopulation, LevelDBm: levels[pk.Candidate][t]})
		}
		locs[k] = loc
		counts.CoveredPeople, counts.CoveredVillages = pk.CumulativePeople, pk.CumulativeTarget
	}
	counts.Locations = len(locs)
	if err := ctx.Err(); err != nil {
		return SiteSearch{}, &Error{Op: op, Kind: Unavailable, Err: err}
	}
	counts.ElapsedMS = s.now().Sub(t0).Milliseconds()
	if err := s.store.SaveSiteSearchResult(ctx, id, locs, counts); err != nil {
		return SiteSearch{}, fmt.Errorf("%s: %w", op, err)
	}
	report(len(cands)+1, len(cands)+1)
	ss.Counts, ss.State = counts, JobDone
	return ss, nil
}

// targets returns the villages of vs that carrier leaves trắng sóng: from
// the latest gap analyses when they classified every village for the
// carrier, else from the carrier's coverage computed now.
func (s *SiteSearchService) targets(ctx context.Context, carrier, province string, vs []Village, counts *SearchCounts) ([]Village, error) {
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ZoneID
	}
	statuses, analysisID, err := s.fill.VillageStatuses(ctx, ids)
	if err != nil {
		return nil, err
	}
	all := analysisID != 0
	for _, v := range vs {
		st, ok := statuses[v.ZoneID]
		if !ok {
			all = false
			break
		}
		if _, ok := st.Coverage[carrier]; !ok {
			all = false
			break
		}
	}
	var out []Village
	if all {
		counts.TargetsFrom, counts.GapAnalysisID = TargetsFromGapAnalysis, analysisID
		for _, v := range vs {
			if statuses[v.ZoneID].Coverage[carrier].Status == TrangSong {
				out = append(out, v)
			}
		}
		return out, nil
	}
	levels, used, err := s.gaps.CarrierLevels(ctx, carrier, province, vs)
	if err != nil {
		return nil, err
	}
	counts.TargetsFrom, counts.CarrierCoverages = TargetsFromCoverage, used
	for i, v := range vs {
		if !levels[i].Covered {
			out = append(out, v)
		}
	}
	return out, nil
}

// CandidateLevels returns, for each candidate, the level (dBm of cp's
// metric) of a site with cp's radio at the candidate's location at each
// target's centre (coverage.PointLevels), NaN where none. The candidates
// are shared among GOMAXPROCS workers; done, when not nil, is called with
// the candidates done so far (from the workers, never concurrently). ctx
// is checked between candidates. Errors: Invalid for radio inputs the
// engine refuses; Unavailable when ctx ends.
func CandidateLevels(ctx context.Context, dem *geo.Grid, cp coverage.Params, opts coverage.Options, cands []Candidate, targets []Village, done func(n int)) ([][]float64, error) {
	pts := make([]orb.Point, len(targets))
	for i, v := range targets {
		pts[i] = v.Centre
	}
	out := make([][]float64, len(cands))
	if len(cands) == 0 {
		return out, nil
	}
	if _, err := coverage.Hash(cp, opts); err != nil {
		return nil, coverageError("levels of candidates", err)
	}
	workers := min(runtime.GOMAXPROCS(0), len(cands))
	var next, finished atomic.Int64
	var mu sync.Mutex
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := cp
			for {
				i := int(next.Add(1)) - 1
				if i >= len(cands) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = &Error{Kind: Unavailable, Err: err}
					return
				}
				p.Location = cands[i].Location
				pl, err := coverage.Points(ctx, dem, p, opts, pts)
				lv := pl.LevelDBm
				if err != nil {
					errs[w] = coverageError("levels of candidates", err)
					return
				}
				out[i] = lv
				n := int(finished.Add(1))
				if done != nil && (n%16 == 0 || n == len(cands)) {
					mu.Lock()
					done(n)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// provinceAt returns the code of the top-level admin unit at p, "" when
// none is loaded there (the national radio defaults then apply).
func (s *Service) provinceAt(ctx context.Context, p orb.Point) (string, error) {
	units, err := s.admin.UnitsAt(ctx, p, s.now())
	if err != nil {
		return "", fmt.Errorf("admin units at %v: %w", p, err)
	}
	for _, u := range units {
		if u.Parent == "" {
			return u.Code, nil
		}
	}
	return "", nil
}

// CarrierLevels returns carrier's best level at each of vs's centres among
// its existing sites within reach, each level from one ITM run on a
// profile drawn straight to the centre (CoverageService.Points with the
// province's radio defaults), as a gap analysis computes villages' levels,
// and how many site coverages were used. A site the DEM does not cover is
// skipped. Errors: those of the stores and of Points.
func (s *GapService) CarrierLevels(ctx context.Context, carrier, province string, vs []Village) ([]PointLevel, int, error) {
	out := make([]PointLevel, len(vs))
	for i := range out {
		out[i].LevelDBm = math.NaN()
	}
	if len(vs) == 0 {
		return out, 0, nil
	}
	if s.cov == nil {
		return nil, 0, &Error{Kind: Internal, Err: errors.New("gap service has no coverage service")}
	}
	b := orb.Bound{Min: vs[0].Centre, Max: vs[0].Centre}
	pts := make([]orb.Point, len(vs))
	for i, v := range vs {
		b = b.Extend(v.Centre)
		pts[i] = v.Centre
	}
	sites, err := s.sites(ctx, GapParams{BBox: &b, Carriers: []string{carrier}})
	if err != nil {
		return nil, 0, err
	}
	defs := s.nets.radio.For(province)
	used := 0
	for _, site := range sites {
		for _, cp := range ExistingSiteCoverageParams(site, defs) {
			pl, err := s.cov.Points(ctx, cp, coverage.Options{}, pts)
			if k := KindOf(err); err != nil && (k == Invalid || k == NotFound) {
				continue
			}
			if err != nil {
				return nil, 0, fmt.Errorf("coverage of %s/%s: %w", site.Carrier, site.Code, err)
			}
			used++
			for i, lv := range pl.LevelDBm {
				if math.IsNaN(lv) {
					continue
				}
				if math.IsNaN(out[i].LevelDBm) || lv > out[i].LevelDBm {
					out[i].LevelDBm = lv
				}
				if lv >= pl.Inputs.ThresholdDBm {
					out[i].Covered = true
				}
			}
		}
	}
	return out, used, nil
}

// Searches returns a page of the searches who may see (a carrier its own
// carrier's, analysts and admins every one), newest first, each as it
// stands (as Search), and how many there are in all. Errors: Invalid for
// a page out of range, Forbidden for a role that sees no search (a
// reviewer), Unavailable.
func (s *SiteSearchService) Searches(ctx context.Context, who Principal, pg ListPage) ([]SiteSearch, int, error) {
	if err := pg.Check(); err != nil {
		return nil, 0, err
	}
	carrier := ""
	switch {
	case who.HasAny(RoleAdmin, RoleAnalyst, RoleSystem):
	case who.Has(RoleCarrier) && who.Org != "":
		carrier = who.Org
	default:
		return nil, 0, &Error{Kind: Forbidden, Err: errors.New("only carriers, analysts and admins see site searches")}
	}
	ss, total, err := s.store.SiteSearches(ctx, carrier, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("site searches: %w", err)
	}
	for i := range ss {
		x := &ss[i]
		if err := followJob(ctx, s.jobs, x.JobID, &x.State, &x.Progress, &x.Error); err != nil {
			return nil, 0, fmt.Errorf("site search %d: %w", x.ID, err)
		}
	}
	return ss, total, nil
}

// Cancel cancels search id (see cancelTracked) as who, who must be able to
// see it (CanSeeSearch), and returns it as it then stands. Errors: as
// Search's; Exists naming "id" when it is done, failed or cancelled
// already; Unavailable.
func (s *SiteSearchService) Cancel(ctx context.Context, who Principal, id int64) (SiteSearch, error) {
	ss, err := s.Search(ctx, who, id)
	if err != nil {
		return ss, err
	}
	what := fmt.Sprintf("site search %d", id)
	if err := cancelTracked(ctx, s.jobs, what, ss.JobID, ss.State, func(ctx context.Context, st JobState, reason string) error {
		return s.store.SetSiteSearchState(ctx, id, st, reason)
	}); err != nil {
		return ss, err
	}
	return s.Search(ctx, who, id)
}
