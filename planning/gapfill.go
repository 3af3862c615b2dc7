package planning

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// DefaultShareDistanceM is how far from a proposed site an existing tower
// may stand and still be offered for sharing, when the config does not say.
const DefaultShareDistanceM = 500.0

// StatusUnknown is a village's status before a proposal when neither a
// gap analysis nor the absence of any site within reach tells it.
const StatusUnknown = "unknown"

// GapFillVillage is one village that a proposal newly covers.
type GapFillVillage struct {
	ZoneID        int64
	Category      string // village or hamlet
	Name          string
	Population    int
	HasPopulation bool
	// StatusBefore is the village's status for the proposal's carrier
	// before the proposal: a VillageStatus, or StatusUnknown.
	StatusBefore string
	// NotSpotBefore is its not-spot class over every carrier before the
	// proposal: a NotSpot, or StatusUnknown.
	NotSpotBefore string
	// ForOwnCarrier: the carrier had no signal at its centre (trắng
	// sóng) and the proposal brings it; ForAnyone: no carrier had.
	ForOwnCarrier, ForAnyone bool
	// LevelDBm is the proposal's level at the village centre, dBm of the
	// coverage's metric.
	LevelDBm float64
	// Properties are the source feature's.
	Properties map[string]any
}

// ShareableTower is an existing tower near a proposed site that is tall
// enough to host its antennas.
type ShareableTower struct {
	ID        int64
	Carrier   string
	Code      string  // the carrier's site code
	DistanceM float64 // from the proposed site, on the ellipsoid, m
	HeightM   float64 // antenna height above ground, m
}

// GapFill is what a proposal adds to the coverage of the villages: the
// gap-fill section of an assessment.
type GapFill struct {
	AssessmentID int64 // 0 for a check
	CoverageID   int64 // the proposal's coverage
	Carrier      string
	// VillagesInReach counts the villages and hamlets within the
	// proposal's coverage radius; VillagesCovered those whose centre it
	// covers.
	VillagesInReach, VillagesCovered int
	// VillagesNewlyCovered are the covered villages that were trắng sóng
	// for the carrier or for everyone, nearest first in zone order.
	VillagesNewlyCovered []GapFillVillage
	// VillagesUnknown counts covered villages whose status before is
	// unknown: no gap analysis classified them and existing sites are
	// within reach. Run a gap analysis of the area to know them.
	VillagesUnknown int
	// PeopleNewlyCovered is the population of VillagesNewlyCovered;
	// PeopleFirstSignal that of those newly covered for anyone.
	PeopleNewlyCovered, PeopleFirstSignal int
	// GapKm2Closed is the area of the gap polygons of GapAnalysisID that
	// the proposal covers, km² on the ellipsoid; 0 without an analysis.
	GapKm2Closed float64
	// OverlapPct is the share of the proposal's covered area that the
	// carrier's existing coverage covers already, % (0 when the proposal
	// covers nothing). It is reckoned on the stored coverages of the
	// carrier's sites within reach: OverlapCoverages were used, and
	// OverlapSitesMissing sites had none computed yet (a gap analysis
	// computes them).
	OverlapPct                            float64
	OverlapCoverages, OverlapSitesMissing int
	// ShareableTowers are the existing towers within ShareDistanceM of the
	// site whose height is at least the proposal's, nearest first.
	ShareableTowers []ShareableTower
	ShareDistanceM  float64
	// GapAnalysisID is the latest done gap analysis that classified the
	// villages in reach; 0 when none did.
	GapAnalysisID int64
	CreatedAt     time.Time
}

// GapFillStore reads what a gap fill is computed from and keeps it.
type GapFillStore interface {
	// VillagesNear returns the villages and hamlets of the current
	// settlement layers within radiusM of p (on the ellipsoid), in zone
	// order, with population and properties as GapVillages gives them.
	VillagesNear(ctx context.Context, p orb.Point, radiusM float64) ([]Village, error)
	// VillageStatuses returns, for those of zoneIDs that a done gap
	// analysis classified, their results in the latest such analysis,
	// and that analysis's ID (the newest among them; 0 when none).
	VillageStatuses(ctx context.Context, zoneIDs []int64) (map[int64]GapVillage, int64, error)
	// TowersNear returns the existing sites of the current networks within
	// radiusM of p whose height is at least minHeightM, nearest first.
	TowersNear(ctx context.Context, p orb.Point, radiusM, minHeightM float64) ([]ShareableTower, error)
	// GapClosed returns the area of the gap polygons of analysis
	// analysisID inside coverage coverageID's covered area, km².
	GapClosed(ctx context.Context, coverageID, analysisID int64) (float64, error)
	// SaveGapFill stores g as the gap fill of assessment g.AssessmentID of
	// proposal proposalID (replacing an earlier one), filling CreatedAt.
	SaveGapFill(ctx context.Context, proposalID int64, g *GapFill) error
	// GapFill returns the gap fill stored for assessment assessmentID;
	// NotFound.
	GapFill(ctx context.Context, assessmentID int64) (GapFill, error)
}

// GapFillConfig tunes a GapFillService; zero fields take the defaults.
type GapFillConfig struct {
	// ShareDistanceM: towers this close to a site are offered for
	// sharing. Default DefaultShareDistanceM.
	ShareDistanceM float64
}

// GapFillService computes the gap fill of checks and proposals. It is
// safe for concurrent use.
type GapFillService struct {
	cfg   GapFillConfig
	store GapFillStore
	nets  *NetworkService
	cov   *CoverageService
	grids CoverageGrids
	props ProposalStore
}

// NewGapFillService returns a GapFillService. props may be nil when only
// Check is used.
func NewGapFillService(cfg GapFillConfig, store GapFillStore, nets *NetworkService, cov *CoverageService, grids CoverageGrids, props ProposalStore) *GapFillService {
	if cfg.ShareDistanceM <= 0 {
		cfg.ShareDistanceM = DefaultShareDistanceM
	}
	return &GapFillService{cfg: cfg, store: store, nets: nets, cov: cov, grids: grids, props: props}
}

// Check computes the gap fill of a site that is not stored (a dry run) in
// province (the assessment's; "" for the national radio defaults):
// its coverage (CoverageService.Compute, cached by inputs) and the rest
// as Fill does. Errors: Invalid naming the site's member when its
// coverage cannot be computed, those of Compute and the stores.
func (s *GapFillService) Check(ctx context.Context, site Site, province string) (GapFill, error) {
	const op = "gap fill of check"
	p, opts, sectorAntenna, err := ProposalCoverageParams(site, s.cov.RadioDefaults(province))
	if err != nil {
		return GapFill{}, &Error{Op: op, Kind: Invalid, Err: err}
	}
	c, err := s.cov.Compute(ctx, p, opts, nil)
	if err != nil {
		var pe *Error
		if f := FieldOf(err); f != "" && KindOf(err) == Invalid && errors.As(err, &pe) {
			return GapFill{}, &Error{Op: op, Kind: Invalid, Field: proposalField(f, sectorAntenna), Err: pe.Err}
		}
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	return s.Fill(ctx, site, province, c)
}

// Proposal computes the gap fill of a proposal's latest assessment from
// its coverage (CoverageService.ProposalCoverage) and stores it linked to
// that assessment. The assessment is not re-evaluated: the gap fill is
// kept beside it. Errors: as ProposalCoverage's, and the stores'.
func (s *GapFillService) Proposal(ctx context.Context, proposalID int64) (GapFill, error) {
	op := fmt.Sprintf("gap fill of proposal %d", proposalID)
	if s.props == nil {
		return GapFill{}, &Error{Op: op, Kind: Internal, Err: errors.New("gap fill service has no proposal store")}
	}
	c, err := s.cov.ProposalCoverage(ctx, proposalID, nil)
	if err != nil {
		return GapFill{}, err
	}
	p, err := s.props.Proposal(ctx, proposalID)
	if err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	a, err := s.props.Assessment(ctx, proposalID)
	if err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	g, err := s.Fill(ctx, p.Site, a.Province, c)
	if err != nil {
		return GapFill{}, err
	}
	g.AssessmentID = a.ID
	if err := s.store.SaveGapFill(ctx, proposalID, &g); err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	return g, nil
}

// Stored returns the gap fill of a proposal's latest assessment; ok is
// false when it has not been computed yet.
func (s *GapFillService) Stored(ctx context.Context, assessmentID int64) (g GapFill, ok bool, err error) {
	g, err = s.store.GapFill(ctx, assessmentID)
	switch {
	case err == nil:
		return g, true, nil
	case KindOf(err) == NotFound:
		return GapFill{}, false, nil
	}
	return GapFill{}, false, fmt.Errorf("gap fill of assessment %d: %w", assessmentID, err)
}

// Fill computes the gap fill of site given its coverage c (province
// chooses the radio defaults of the existing sites, "" the national ones):
//
//   - the villages and hamlets within the coverage radius, and the
//     proposal's level at each centre (the raster's nearest cell);
//   - their status before, from the latest done gap analysis that
//     classified them. A village no analysis classified is trắng sóng
//     for a carrier with no site within coverage.DefaultRadiusM of it,
//     and for everyone when no site at all is; otherwise its status is
//     unknown and it is counted, not listed. (Computing every nearby
//     site's coverage here would cost a gap analysis per check.)
//   - the overlap with the carrier's stored coverages of its sites within
//     reach (cached lookups only: nothing is computed);
//   - the gap area closed, from the analysis's gap polygons;
//   - the towers within ShareDistanceM at least as tall as the site.
func (s *GapFillService) Fill(ctx context.Context, site Site, province string, c Coverage) (GapFill, error) {
	const op = "gap fill"
	radiusM := c.Inputs.RadiusM
	if radiusM == 0 {
		radiusM = ProposalRadiusM
	}
	vs, err := s.store.VillagesNear(ctx, site.Location, radiusM)
	if err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	levels := make([]float64, len(vs))
	// The proposal's level raster, read once when it is needed.
	own := c.Grid
	ownGrid := func() (*geo.Grid, error) {
		if own == nil {
			var err error
			if own, err = s.grids.CoverageGrid(ctx, c); err != nil {
				return nil, fmt.Errorf("%s: raster of coverage %d: %w", op, c.ID, err)
			}
		}
		return own, nil
	}
	if len(vs) > 0 {
		g, err := ownGrid()
		if err != nil {
			return GapFill{}, err
		}
		for i, v := range vs {
			levels[i] = SampleNearest(g, v.Centre)
		}
	}
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ZoneID
	}
	statuses, analysisID, err := s.store.VillageStatuses(ctx, ids)
	if err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	// The existing sites whose coverage may reach a village in reach or
	// overlap the proposal's.
	reach := radiusM + coverage.DefaultRadiusM
	lonM, latM := geo.MetresPerDegree(site.Location[1])
	b := orb.Bound{Min: orb.Point{site.Location[0] - reach/lonM, site.Location[1] - reach/latM},
		Max: orb.Point{site.Location[0] + reach/lonM, site.Location[1] + reach/latM}}
	sites, err := s.nets.store.Sites(ctx, SiteFilter{BBox: &b})
	if err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	towers, err := s.store.TowersNear(ctx, site.Location, s.cfg.ShareDistanceM, site.HeightM)
	if err != nil {
		return GapFill{}, fmt.Errorf("%s: %w", op, err)
	}
	in := GapFillInput{
		Carrier: site.Carrier, Villages: vs, LevelDBm: levels, ThresholdDBm: c.ThresholdDBm,
		Statuses: statuses, Sites: sites, Towers: towers,
		ShareDistanceM: s.cfg.ShareDistanceM, HeightM: site.HeightM,
	}
	g := ComputeGapFill(in)
	g.CoverageID, g.GapAnalysisID = c.ID, analysisID

	// Overlap with the carrier's stored coverages (no computation), on
	// their level rasters: a PostGIS union of whole coverage polygons
	// costs seconds, the rasters' cells a few milliseconds.
	var others []*geo.Grid
	var thresholds []float64
	defs := s.nets.radio.For(province)
	for _, es := range sites {
		if es.Carrier != site.Carrier || geo.DistanceM(es.Location, site.Location) > reach {
			continue
		}
		found := false
		for _, cp := range ExistingSiteCoverageParams(es, defs) {
			sc, ok, err := s.cov.storedExisting(ctx, cp)
			if err != nil {
				if KindOf(err) == Invalid || KindOf(err) == NotFound {
					continue // outside the DEM: it has no coverage to overlap
				}
				return GapFill{}, fmt.Errorf("%s: %w", op, err)
			}
			if !ok || sc.ID == c.ID {
				continue
			}
			og, err := s.grids.CoverageGrid(ctx, sc)
			if err != nil {
				return GapFill{}, fmt.Errorf("%s: raster of coverage %d: %w", op, sc.ID, err)
			}
			others, thresholds, found = append(others, og), append(thresholds, sc.ThresholdDBm), true
		}
		if !found {
			g.OverlapSitesMissing++
		}
	}
	g.OverlapCoverages = len(others)
	if len(others) > 0 {
		og, err := ownGrid()
		if err != nil {
			return GapFill{}, err
		}
		g.OverlapPct = OverlapPct(og, c.ThresholdDBm, others, thresholds)
	}
	if analysisID != 0 && c.ID != 0 {
		if g.GapKm2Closed, err = s.store.GapClosed(ctx, c.ID, analysisID); err != nil {
			return GapFill{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	return g, nil
}

// Stored returns the stored coverage of site and opts without computing
// it: ok is false when it was never computed. Errors: as Compute's
// before it would wait for a turn.
func (s *CoverageService) Stored(ctx context.Context, site coverage.Params, opts coverage.Options) (Coverage, bool, error) {
	const op = "stored coverage"
	opts, err := s.withDEMVersion(ctx, op, site, opts)
	if err != nil {
		return Coverage{}, false, err
	}
	return s.cached(ctx, op, site, opts)
}

// GapFillInput is what ComputeGapFill needs.
type GapFillInput struct {
	Carrier  string
	Villages []Village // home clusters are ignored
	// LevelDBm[i] is the proposal's level at Villages[i].Centre (NaN where
	// it has none); ThresholdDBm is its coverage threshold.
	LevelDBm     []float64
	ThresholdDBm float64
	// Statuses are the villages' latest gap analysis results, by zone ID.
	Statuses map[int64]GapVillage
	// Sites are the existing sites near enough to reach the villages.
	Sites []ExistingSite
	// Towers are candidates for sharing; those farther than
	// ShareDistanceM or lower than HeightM are left out.
	Towers         []ShareableTower
	ShareDistanceM float64
	HeightM        float64
}

// ComputeGapFill is the pure part of a gap fill: which covered villages
// were trắng sóng for the carrier or for everyone (see Fill for how an
// unclassified village is judged), the people in them, and the shareable
// towers. Areas and IDs are left to the caller.
func ComputeGapFill(in GapFillInput) GapFill {
	g := GapFill{Carrier: in.Carrier, ShareDistanceM: in.ShareDistanceM,
		VillagesNewlyCovered: []GapFillVillage{}, ShareableTowers: []ShareableTower{}}
	for i, v := range in.Villages {
		if v.Category == CategoryHomeCluster {
			continue
		}
		g.VillagesInReach++
		lv := math.NaN()
		if i < len(in.LevelDBm) {
			lv = in.LevelDBm[i]
		}
		if math.IsNaN(lv) || lv < in.ThresholdDBm {
			continue
		}
		g.VillagesCovered++
		own, anyone := StatusUnknown, StatusUnknown
		if st, ok := in.Statuses[v.ZoneID]; ok {
			anyone = string(st.NotSpot)
			if cc, ok := st.Coverage[in.Carrier]; ok {
				own = string(cc.Status)
			} else if !siteInReach(in.Sites, v.Centre, in.Carrier) {
				own = string(TrangSong)
			}
		} else {
			if !siteInReach(in.Sites, v.Centre, "") {
				anyone = string(NotSpotTotal)
			}
			if !siteInReach(in.Sites, v.Centre, in.Carrier) {
				own = string(TrangSong)
			}
		}
		fv := GapFillVillage{ZoneID: v.ZoneID, Category: v.Category, Name: v.Name,
			Population: v.Population, HasPopulation: v.HasPopulation,
			StatusBefore: own, NotSpotBefore: anyone, LevelDBm: lv, Properties: v.Properties,
			ForOwnCarrier: own == string(TrangSong), ForAnyone: anyone == string(NotSpotTotal)}
		// A village nobody covered was trắng sóng for the carrier too.
		if fv.ForAnyone {
			fv.ForOwnCarrier = true
			if fv.StatusBefore == StatusUnknown {
				fv.StatusBefore = string(TrangSong)
			}
		}
		if !fv.ForOwnCarrier {
			if own == StatusUnknown {
				g.VillagesUnknown++
			}
			continue
		}
		g.VillagesNewlyCovered = append(g.VillagesNewlyCovered, fv)
		g.PeopleNewlyCovered += v.Population
		if fv.ForAnyone {
			g.PeopleFirstSignal += v.Population
		}
	}
	for _, t := range in.Towers {
		if t.DistanceM <= in.ShareDistanceM && t.HeightM >= in.HeightM {
			g.ShareableTowers = append(g.ShareableTowers, t)
		}
	}
	slices.SortStableFunc(g.ShareableTowers, func(a, b ShareableTower) int {
		switch {
		case a.DistanceM < b.DistanceM:
			return -1
		case a.DistanceM > b.DistanceM:
			return 1
		}
		return 0
	})
	return g
}

// siteInReach reports whether a site of carrier ("" for any) stands within
// coverage.DefaultRadiusM of p: beyond it, no existing coverage reaches.
func siteInReach(sites []ExistingSite, p orb.Point, carrier string) bool {
	for _, s := range sites {
		if (carrier == "" || s.Carrier == carrier) && geo.DistanceM(s.Location, p) <= coverage.DefaultRadiusM {
			return true
		}
	}
	return false
}

// OverlapPct returns the share of the covered cells of own (level at or
// above ownThresholdDBm) whose centre another grid covers too (others[i]
// at or above thresholdsDBm[i], at its nearest cell), %: 0 when own
// covers nothing. The cells of own are equal in area to within 0.1 % over
// a coverage's disc, so the share of cells is the share of area.
func OverlapPct(own *geo.Grid, ownThresholdDBm float64, others []*geo.Grid, thresholdsDBm []float64) float64 {
	covered, shared := 0, 0
	for y := range own.H {
		for x := range own.W {
			v := own.Pix[y*own.Stride+x]
			if !(float64(v) >= ownThresholdDBm) {
				continue
			}
			covered++
			p := own.CellCentre(x, y)
			for i, o := range others {
				if SampleNearest(o, p) >= thresholdsDBm[i] {
					shared++
					break
				}
			}
		}
	}
	if covered == 0 {
		return 0
	}
	return 100 * float64(shared) / float64(covered)
}
