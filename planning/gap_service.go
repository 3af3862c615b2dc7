package planning

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// GapService starts gap analyses, runs them (in a job worker) and reads
// their results. It is safe for concurrent use.
type GapService struct {
	store GapStore
	nets  *NetworkService
	cov   *CoverageService
	jobs  Jobs
}

// NewGapService returns a GapService. cov is needed only by
// Run; jobs only to report a running analysis's progress (nil reports the
// stored state).
func NewGapService(store GapStore, nets *NetworkService, cov *CoverageService, jobs Jobs) *GapService {
	return &GapService{store: store, nets: nets, cov: cov, jobs: jobs}
}

// The JSON pointers of GapParams' fields in a request, which errors name.
const (
	FieldGapAdminUnit    = "/admin_unit"
	FieldGapBBox         = "/bbox"
	FieldGapCarriers     = "/carriers"
	FieldGapThreshold    = "/threshold_dbm"
	FieldGapReliability  = "/reliability"
	FieldGapLomSongShare = "/lom_song_share"
)

// Start checks p, makes sure the area can be analysed, stores the
// analysis and queues its job. Errors are Invalid and name the field: no
// area or both, an unknown admin unit, a bbox that is malformed, outside
// Vietnam or too large, an unknown carrier, a threshold or reliability
// out of range, and an area with no villages, no existing sites (of the
// carriers asked) or no DEM under its villages; and Unavailable.
func (s *GapService) Start(ctx context.Context, p GapParams) (GapAnalysis, error) {
	const op = "start gap analysis"
	if err := s.checkParams(ctx, p); err != nil {
		return GapAnalysis{}, &Error{Op: op, Kind: KindOf(err), Err: err}
	}
	areaField := FieldGapBBox
	if p.AdminUnit != "" {
		areaField = FieldGapAdminUnit
	}
	vs, err := s.store.GapVillages(ctx, p)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	var centres []orb.Point
	for _, v := range vs {
		if v.Category != CategoryHomeCluster {
			centres = append(centres, v.Centre)
		}
	}
	if len(centres) == 0 {
		return GapAnalysis{}, &Error{Op: op, Kind: Invalid, Field: areaField,
			Err: errors.New("the area has no villages: import a settlement layer with categories village or hamlet")}
	}
	outside, anyDEM, err := s.nets.store.OutsideDEM(ctx, centres)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	switch {
	case !anyDEM:
		return GapAnalysis{}, &Error{Op: op, Kind: Invalid, Field: areaField, Err: errors.New("no DEM is loaded: import the elevation tiles of the area")}
	case len(outside) == len(centres):
		return GapAnalysis{}, &Error{Op: op, Kind: Invalid, Field: areaField, Err: errors.New("no DEM covers the area's villages: import the elevation tiles of the area")}
	}
	sites, err := s.sites(ctx, p)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	if len(sites) == 0 {
		what := "no existing sites"
		if len(p.Carriers) > 0 {
			what += " of " + strings.Join(p.Carriers, ", ")
		}
		return GapAnalysis{}, &Error{Op: op, Kind: Invalid, Field: areaField,
			Err: fmt.Errorf("the area has %s within %g km: import the existing networks (btsplan import sites)", what, coverage.DefaultRadiusM/1000)}
	}
	if len(p.Carriers) == 0 {
		p.Carriers = carriersOf(sites)
	}
	a := GapAnalysis{Params: p, State: JobQueued}
	if err := s.store.CreateGapAnalysis(ctx, &a); err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	return a, nil
}

func (s *GapService) checkParams(ctx context.Context, p GapParams) error {
	var errs []error
	switch {
	case p.AdminUnit == "" && p.BBox == nil:
		errs = append(errs, FieldError(FieldGapAdminUnit, "give admin_unit or bbox"))
	case p.AdminUnit != "" && p.BBox != nil:
		errs = append(errs, FieldError(FieldGapAdminUnit, "give admin_unit or bbox, not both"))
	case p.AdminUnit != "":
		if err := CheckLine(FieldGapAdminUnit, p.AdminUnit, MaxCodeChars); err != nil {
			errs = append(errs, err)
		}
	default:
		if err := CheckBBox(FieldGapBBox, *p.BBox); err != nil {
			errs = append(errs, err)
		}
	}
	seen := map[string]bool{}
	carriers := p.Carriers
	if len(carriers) > MaxGapCarriers {
		// One error, not one database look-up and one error per item.
		errs = append(errs, FieldError(FieldGapCarriers, "%d carriers; at most %d", len(carriers), MaxGapCarriers))
		carriers = nil
	}
	for i, c := range carriers {
		f := fmt.Sprintf("%s/%d", FieldGapCarriers, i)
		if err := CheckLine(f, c, MaxCodeChars); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[c] {
			errs = append(errs, FieldError(f, "carrier %s is given twice", c))
			continue
		}
		seen[c] = true
		if err := s.nets.checkCarrier(ctx, c, f, ""); err != nil {
			errs = append(errs, err)
		}
	}
	if t := p.ThresholdDBm; t != nil && !(*t >= -160 && *t <= -20) {
		errs = append(errs, FieldError(FieldGapThreshold, "%g dBm is not a coverage threshold (-160..-20)", *t))
	}
	if r := p.Reliability; r != nil {
		for _, v := range []struct {
			f string
			v float64
		}{{"time_pct", r.TimePct}, {"location_pct", r.LocationPct}} {
			if !(v.v >= 1 && v.v <= 99) {
				errs = append(errs, FieldError(FieldGapReliability+"/"+v.f, "%g is not a percentage in 1..99", v.v))
			}
		}
	}
	if !(p.LomSongShare >= 0 && p.LomSongShare < 1) {
		errs = append(errs, FieldError(FieldGapLomSongShare, "%g is not a share in [0, 1)", p.LomSongShare))
	}
	for _, e := range errs {
		if KindOf(e) != Invalid {
			return e // the store's: Unavailable
		}
	}
	return errors.Join(errs...)
}

// CheckBBox returns an Invalid error naming field unless b is a bbox
// within Vietnam (west < east, south < north) of at most MaxGapAreaKm2.
func CheckBBox(field string, b orb.Bound) error {
	w, s, e, n := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	switch {
	case !finiteAll(w, s, e, n):
		return FieldError(field, "not finite")
	case !(w < e && s < n):
		return FieldError(field, "want west < east and south < north")
	case w < vnMinLon || e > vnMaxLon || s < vnMinLat || n > vnMaxLat:
		return FieldError(field, "[%g, %g, %g, %g] is not within Vietnam (%g..%g E, %g..%g N)", w, s, e, n, vnMinLon, vnMaxLon, vnMinLat, vnMaxLat)
	}
	lonM, latM := geo.MetresPerDegree((s + n) / 2)
	if km2 := (e - w) * lonM * (n - s) * latM / 1e6; km2 > MaxGapAreaKm2 {
		return FieldError(field, "%.0f km² is larger than %g km²: analyse a district or a province's admin units one by one", km2, MaxGapAreaKm2)
	}
	return nil
}

// sites returns the existing sites within the coverage radius of p's area,
// of p's carriers when it names some.
func (s *GapService) sites(ctx context.Context, p GapParams) ([]ExistingSite, error) {
	b, err := s.store.GapBound(ctx, p)
	if err != nil {
		return nil, err
	}
	lonM, latM := geo.MetresPerDegree(b.Center()[1])
	r := coverage.DefaultRadiusM
	b = orb.Bound{Min: orb.Point{b.Min[0] - r/lonM, b.Min[1] - r/latM}, Max: orb.Point{b.Max[0] + r/lonM, b.Max[1] + r/latM}}
	all, err := s.nets.store.Sites(ctx, SiteFilter{BBox: &b})
	if err != nil {
		return nil, err
	}
	if len(p.Carriers) == 0 {
		return all, nil
	}
	var out []ExistingSite
	for _, site := range all {
		if slices.Contains(p.Carriers, site.Carrier) {
			out = append(out, site)
		}
	}
	return out, nil
}

func carriersOf(sites []ExistingSite) []string {
	var cs []string
	for _, s := range sites {
		if !slices.Contains(cs, s.Carrier) {
			cs = append(cs, s.Carrier)
		}
	}
	slices.Sort(cs)
	return cs
}

// Analysis returns an analysis as it stands: while it is not done, its
// job's state and progress. Errors: NotFound, Unavailable.
func (s *GapService) Analysis(ctx context.Context, id int64) (GapAnalysis, error) {
	a, err := s.store.GapAnalysis(ctx, id)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("gap analysis %d: %w", id, err)
	}
	if err := followJob(ctx, s.jobs, a.JobID, &a.State, &a.Progress, &a.Error); err != nil {
		return GapAnalysis{}, fmt.Errorf("gap analysis %d: %w", id, err)
	}
	return a, nil
}

// followJob updates the stored state, progress and error of something a
// job computes (a gap analysis, a site search) from its job jobID while
// the stored state is not final: the job's progress, its state (but done
// only once the result is stored, which the stored state says) and the
// last error of a failed job. A job that is gone leaves them as stored;
// jobs nil or jobID 0 too.
func followJob(ctx context.Context, jobs Jobs, jobID int64, state *JobState, progress *JobProgress, reason *string) error {
	if state.Final() || jobs == nil || jobID == 0 {
		return nil
	}
	j, err := jobs.Job(ctx, jobID)
	switch {
	case KindOf(err) == NotFound:
		return nil
	case err != nil:
		return err
	}
	*progress = j.Progress
	if j.State != JobDone {
		*state = j.State
	}
	if j.State.Final() && j.State != JobDone && *reason == "" && len(j.Errors) > 0 {
		*reason = j.Errors[len(j.Errors)-1]
	}
	return nil
}

// Villages returns the village table of a done analysis. Errors:
// NotFound (Invalid naming "id" when it is not done yet), Unavailable.
func (s *GapService) Villages(ctx context.Context, id int64) (GapAnalysis, []GapVillage, error) {
	a, err := s.done(ctx, id)
	if err != nil {
		return a, nil, err
	}
	vs, err := s.store.GapVillageResults(ctx, id)
	if err != nil {
		return a, nil, fmt.Errorf("villages of gap analysis %d: %w", id, err)
	}
	return a, vs, nil
}

// Areas returns the gap polygons of a done analysis; errors as Villages.
func (s *GapService) Areas(ctx context.Context, id int64) (GapAnalysis, []GapArea, error) {
	a, err := s.done(ctx, id)
	if err != nil {
		return a, nil, err
	}
	as, err := s.store.GapAreas(ctx, id)
	if err != nil {
		return a, nil, fmt.Errorf("gaps of gap analysis %d: %w", id, err)
	}
	return a, as, nil
}

// ErrGapNotDone is the Conflict-like reason of asking for the results of
// an analysis that is not done.
var ErrGapNotDone = errors.New("the analysis is not done")

func (s *GapService) done(ctx context.Context, id int64) (GapAnalysis, error) {
	a, err := s.Analysis(ctx, id)
	if err != nil {
		return a, err
	}
	if a.State != JobDone {
		return a, &Error{Kind: Exists, Field: "id", Err: fmt.Errorf("%w: it is %s", ErrGapNotDone, a.State)}
	}
	return a, nil
}

// Run computes analysis id and stores it:
//
//   - every existing site of its carriers in or near the area gives one
//     coverage per band and technology (ExistingSiteCoverageParams), known
//     by its input hash (the DEM version included);
//   - each coverage's raster and covered area come from
//     CoverageService.Compute (cached by that hash), and its level at
//     every settlement point within its radius from a profile drawn
//     straight to the point (CoverageService.Points), not from the
//     raster: a cell's value is its centre's, on a borrowed profile;
//   - a village's level for a carrier is the best of the carrier's
//     coverages, and it is covered where that coverage's threshold is met;
//   - then the covered shares of village polygons, the classification
//     (ClassifyVillages) and the gap polygons.
//
// It is incremental: unless the analysis is Fresh, it starts from the
// latest done analysis of the same ReuseKey and takes whole every
// coverage whose carrier and input hash are unchanged (its coverage ID
// and its levels). Only the points a coverage has no level for yet are
// computed, so after one site is added, moved or retuned only the new
// coverage is computed; the villages within the radius of a changed
// site (added or gone), and new villages, are counted as recomputed
// (their polygons' shares are recomputed; the others' are reused). The
// result is the same as a fresh analysis's.
//
// progress is called with coverages done of total. A site whose coverage
// is Invalid (outside the DEM) is skipped and named in the counts. ctx is
// checked between coverages. Errors: NotFound, Unavailable (a cancelled
// context included), those of the stores.
func (s *GapService) Run(ctx context.Context, id int64, progress func(done, total int)) (GapAnalysis, error) {
	op := fmt.Sprintf("run gap analysis %d", id)
	if s.cov == nil {
		return GapAnalysis{}, &Error{Op: op, Kind: Internal, Err: errors.New("gap service has no coverage service")}
	}
	a, err := s.store.GapAnalysis(ctx, id)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	if a.State == JobDone {
		return a, nil
	}
	if err := s.store.SetGapState(ctx, id, JobRunning, ""); err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	p := a.Params.withDefaults()
	vs, err := s.store.GapVillages(ctx, p)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	sites, err := s.sites(ctx, p)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	prev := GapPrevious{}
	if !p.Fresh {
		if prev, err = s.store.PreviousGapAnalysis(ctx, id, p.ReuseKey()); err != nil {
			return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	counts := GapCounts{ReusedFrom: prev.ID}
	todo, err := s.gapJobs(ctx, p, sites, &counts)
	if err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	total := len(todo) + 1
	report := func(done int) {
		if progress != nil {
			progress(done, total)
		}
	}
	report(0)

	var gsites []GapSite
	used := map[int64]bool{}
	for i, j := range todo {
		if err := ctx.Err(); err != nil {
			return GapAnalysis{}, &Error{Op: op, Kind: Unavailable, Err: err}
		}
		gs, ok, err := s.gapSite(ctx, j, vs, prev, &counts)
		if err != nil {
			return GapAnalysis{}, fmt.Errorf("%s: site %s/%s: %w", op, j.site.Carrier, j.site.Code, err)
		}
		report(i + 1)
		if !ok {
			continue
		}
		used[j.site.ID] = true
		gsites = append(gsites, gs)
	}
	counts.Sites = len(used)

	// The villages within reach of a changed coverage, and new ones.
	now := map[string]bool{}
	for _, g := range gsites {
		now[g.key()] = true
	}
	var changed []GapSite
	if prev.ID != 0 {
		for _, g := range gsites {
			if _, ok := prev.Sites[g.key()]; !ok {
				changed = append(changed, g)
			}
		}
		for k, g := range prev.Sites {
			if !now[k] {
				changed = append(changed, g)
			}
		}
	}
	// dirty: the village's result is recomputed (new, or its centre or
	// polygon within a changed site's radius). redraw: the gap polygons
	// around the zone are, too (also a new home cluster, and a changed
	// site's covered area reaching its buffer: the radius plus a cell).
	known := map[int64]bool{}
	for zone := range prev.Shares {
		known[zone] = true
	}
	for _, g := range prev.Sites {
		for zone := range g.LevelDBm {
			known[zone] = true
		}
	}
	dirty := make([]bool, len(vs))
	var redraw []int64
	for i, v := range vs {
		_, classified := prev.Shares[v.ZoneID]
		dirty[i] = !classified && v.Category != CategoryHomeCluster
		reach, areaReach := 0.0, p.BufferM
		if v.IsArea() {
			// Any part of the polygon: its farthest corner from the centre.
			b := v.Geometry.Bound()
			for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
				reach = max(reach, geo.DistanceM(v.Centre, c))
			}
			areaReach = reach
		}
		areaReach += gapCellMarginM
		redrawn := dirty[i] || !known[v.ZoneID]
		for _, g := range changed {
			d := geo.DistanceM(g.Location, v.Centre)
			if d <= g.RadiusM+reach && v.Category != CategoryHomeCluster {
				dirty[i] = true
			}
			if d <= g.RadiusM+areaReach {
				redrawn = true
			}
		}
		if redrawn || prev.ID == 0 {
			redraw = append(redraw, v.ZoneID)
		}
	}

	levels := map[string][]PointLevel{}
	for _, mnc := range p.Carriers {
		ls := make([]PointLevel, len(vs))
		for i := range ls {
			ls[i].LevelDBm = math.NaN()
		}
		levels[mnc] = ls
	}
	covIDs := map[string][]int64{}
	for _, g := range gsites {
		covIDs[g.Carrier] = append(covIDs[g.Carrier], g.CoverageID)
		ls := levels[g.Carrier]
		if ls == nil {
			continue
		}
		for k, v := range vs {
			lv, ok := g.LevelDBm[v.ZoneID]
			if !ok || math.IsNaN(lv) {
				continue
			}
			if math.IsNaN(ls[k].LevelDBm) || lv > ls[k].LevelDBm {
				ls[k].LevelDBm = lv
			}
			if lv >= g.ThresholdDBm {
				ls[k].Covered = true
			}
		}
	}

	var populated []int64
	var polys []int64
	shares := map[int64]map[string]float64{}
	for i, v := range vs {
		populated = append(populated, v.ZoneID)
		switch {
		case v.Category == CategoryHomeCluster:
			counts.Clusters++
			continue
		case dirty[i]:
			counts.VillagesRecomputed++
		default:
			counts.VillagesReused++
		}
		if !v.IsArea() {
			continue
		}
		if dirty[i] {
			polys = append(polys, v.ZoneID)
		} else {
			shares[v.ZoneID] = prev.Shares[v.ZoneID]
		}
	}
	if len(polys) > 0 {
		for _, mnc := range p.Carriers {
			got, err := s.store.CoveredShares(ctx, polys, covIDs[mnc])
			if err != nil {
				return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
			}
			for zone, sh := range got {
				if shares[zone] == nil {
					shares[zone] = map[string]float64{}
				}
				shares[zone][mnc] = sh
			}
		}
	}
	byCarrier := map[string]map[int64]float64{}
	for zone, m := range shares {
		for mnc, sh := range m {
			if byCarrier[mnc] == nil {
				byCarrier[mnc] = map[int64]float64{}
			}
			byCarrier[mnc][zone] = sh
		}
	}
	if err := ctx.Err(); err != nil {
		return GapAnalysis{}, &Error{Op: op, Kind: Unavailable, Err: err}
	}
	res := ClassifyVillages(GapInput{Carriers: p.Carriers, Villages: vs, Levels: levels, CoveredShare: byCarrier,
		LomSongShare: p.LomSongShare, ClusterNearM: p.ClusterNearM})
	c := CountGaps(p.Carriers, res)
	c.Clusters, c.Sites, c.Coverages, c.Cached, c.SkippedSites = counts.Clusters, counts.Sites, counts.Coverages, counts.Cached, counts.SkippedSites
	c.ReusedFrom, c.VillagesRecomputed, c.VillagesReused = counts.ReusedFrom, counts.VillagesRecomputed, counts.VillagesReused
	c.SitesRecomputed, c.SitesReused = counts.SitesRecomputed, counts.SitesReused
	if c, err = s.store.SaveGapResult(ctx, id, GapResult{Villages: res, Counts: c, Shares: shares,
		Populated: populated, BufferM: p.BufferM, Sites: gsites, ReuseAreasOf: prev.ID, Redraw: redraw}); err != nil {
		return GapAnalysis{}, fmt.Errorf("%s: %w", op, err)
	}
	report(total)
	a.Counts, a.State = c, JobDone
	return a, nil
}

// gapJob is one coverage of a gap analysis: a site's band and technology.
type gapJob struct {
	site   ExistingSite
	params coverage.Params
	opts   coverage.Options
	hash   string
}

// GapCellArcSec is the cell of the existing sites' rasters in a gap
// analysis, arc-seconds: 2×2 cells of a 3" DEM (~180 m), four times
// cheaper than the DEM's own. The rasters only make the gap polygons
// (around 500 m buffers) and the polygons' covered shares; the villages'
// levels come from profiles drawn to their points.
const GapCellArcSec = 6

// gapCellMarginM is how far beyond its radius a coverage's covered area
// may reach: the diagonal of a GapCellArcSec cell, rounded up.
const gapCellMarginM = 300.0

// GapCoverageOptions are the coverage options of the existing sites in a
// gap analysis; a DEM whose cell does not tile GapCellArcSec gets its
// own cells instead.
var GapCoverageOptions = coverage.Options{CellArcSec: GapCellArcSec}

// gapJobs returns the coverages of sites with p's threshold and
// reliability, each with its input hash, one per carrier and hash. Sites
// the DEM does not cover are named in counts.SkippedSites.
func (s *GapService) gapJobs(ctx context.Context, p GapParams, sites []ExistingSite, counts *GapCounts) ([]gapJob, error) {
	defs := s.nets.radio.For(p.Province)
	seen := map[string]bool{}
	var todo []gapJob
	for _, site := range sites {
		for _, cp := range ExistingSiteCoverageParams(site, defs) {
			if p.ThresholdDBm != nil {
				cp.ThresholdDBm = *p.ThresholdDBm
			}
			if r := p.Reliability; r != nil {
				cp.Radio.TimePct, cp.Radio.LocationPct = r.TimePct, r.LocationPct
			}
			opts := GapCoverageOptions
			h, err := s.cov.InputHash(ctx, cp, opts)
			if FieldOf(err) == coverage.FieldCellArcSec {
				// A DEM whose cell does not tile GapCellArcSec: its own cells.
				opts = coverage.Options{}
				h, err = s.cov.InputHash(ctx, cp, opts)
			}
			if k := KindOf(err); err != nil && (k == Invalid || k == NotFound) {
				counts.SkippedSites = append(counts.SkippedSites, fmt.Sprintf("%s/%s: %v", site.Carrier, site.Code, errors.Unwrap(err)))
				continue
			} else if err != nil {
				return nil, fmt.Errorf("site %s/%s: %w", site.Carrier, site.Code, err)
			}
			if seen[site.Carrier+" "+h] {
				continue // a twin of a site already counted: the same coverage
			}
			seen[site.Carrier+" "+h] = true
			// Every core: a gap analysis is a batch job, and its workers
			// run at CoverageConfig.OnWorker's priority (cmd lowers it),
			// so checks still come first. Workers is not hashed.
			opts.Workers = min(runtime.GOMAXPROCS(0), coverage.MaxWorkers)
			todo = append(todo, gapJob{site: site, params: cp, opts: opts, hash: h})
		}
	}
	return todo, nil
}

// gapSite returns j's GapSite: taken whole from prev when it holds the
// same carrier and hash and a level for every point in reach; otherwise
// with its coverage (Compute, cached by hash) and the levels it lacks
// computed. ok is false when the coverage is Invalid (outside the DEM),
// which is named in counts.SkippedSites.
func (s *GapService) gapSite(ctx context.Context, j gapJob, vs []Village, prev GapPrevious, counts *GapCounts) (GapSite, bool, error) {
	gs := GapSite{Carrier: j.site.Carrier, InputHash: j.hash, Location: j.params.Location,
		RadiusM: coverage.DefaultRadiusM, LevelDBm: map[int64]float64{}}
	old, reuse := prev.Sites[gs.key()]
	var need []int
	for i, v := range vs {
		if geo.DistanceM(gs.Location, v.Centre) > gs.RadiusM {
			continue
		}
		if lv, ok := old.LevelDBm[v.ZoneID]; reuse && ok {
			gs.LevelDBm[v.ZoneID] = lv
			continue
		}
		need = append(need, i)
	}
	counts.Coverages++
	if reuse {
		gs.CoverageID, gs.ThresholdDBm = old.CoverageID, old.ThresholdDBm
		counts.Cached++
		if len(need) == 0 {
			counts.SitesReused++
			return gs, true, nil
		}
	} else {
		c, err := s.cov.Compute(ctx, j.params, j.opts, nil)
		if err != nil {
			counts.Coverages--
			if KindOf(err) == Invalid {
				counts.SkippedSites = append(counts.SkippedSites, fmt.Sprintf("%s/%s: %v", j.site.Carrier, j.site.Code, errors.Unwrap(err)))
				return gs, false, nil
			}
			return gs, false, err
		}
		if c.Cached {
			counts.Cached++
		}
		gs.CoverageID, gs.ThresholdDBm = c.ID, c.ThresholdDBm
	}
	counts.SitesRecomputed++
	if len(need) == 0 {
		return gs, true, nil
	}
	pts := make([]orb.Point, len(need))
	for k, i := range need {
		pts[k] = vs[i].Centre
	}
	pl, err := s.cov.Points(ctx, j.params, j.opts, pts)
	if err != nil {
		return gs, false, err
	}
	for k, i := range need {
		gs.LevelDBm[vs[i].ZoneID] = pl.LevelDBm[k]
	}
	return gs, true, nil
}

// Fail records that analysis id failed (or was cancelled) for reason; the
// job worker calls it when Run returns an error that is not retried.
func (s *GapService) Fail(ctx context.Context, id int64, state JobState, reason string) error {
	return s.store.SetGapState(ctx, id, state, reason)
}

// Analyses returns a page of the analyses, newest first (each as it
// stands, as Analysis), and how many there are in all. Errors: Invalid
// for a page out of range, Unavailable.
func (s *GapService) Analyses(ctx context.Context, pg ListPage) ([]GapAnalysis, int, error) {
	if err := pg.Check(); err != nil {
		return nil, 0, err
	}
	as, total, err := s.store.GapAnalyses(ctx, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("gap analyses: %w", err)
	}
	for i := range as {
		a := &as[i]
		if err := followJob(ctx, s.jobs, a.JobID, &a.State, &a.Progress, &a.Error); err != nil {
			return nil, 0, fmt.Errorf("gap analysis %d: %w", a.ID, err)
		}
	}
	return as, total, nil
}

// Cancel cancels analysis id (see cancelTracked) and returns it as it then
// stands: cancelled, or running until its worker stops. Errors: NotFound;
// Exists naming "id" when it is done, failed or cancelled already;
// Unavailable.
func (s *GapService) Cancel(ctx context.Context, id int64) (GapAnalysis, error) {
	a, err := s.Analysis(ctx, id)
	if err != nil {
		return a, err
	}
	what := fmt.Sprintf("gap analysis %d", id)
	if err := cancelTracked(ctx, s.jobs, what, a.JobID, a.State, func(ctx context.Context, st JobState, reason string) error {
		return s.store.SetGapState(ctx, id, st, reason)
	}); err != nil {
		return a, err
	}
	return s.Analysis(ctx, id)
}
