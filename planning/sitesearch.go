package planning

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// JobKindSiteSearch is the kind of the job that runs a best-site search
// (SiteSearchService.Run).
const JobKindSiteSearch = "site_search"

// The JSON pointers of SearchParams' fields in a request, which errors name.
const (
	FieldSearchAdminUnit  = "/admin_unit"
	FieldSearchBBox       = "/bbox"
	FieldSearchVillageIDs = "/village_ids"
	FieldSearchCarrier    = "/carrier"
	FieldSearchN          = "/n"
	FieldSearchStructure  = "/structure"
	FieldSearchHeight     = "/height_m"
	FieldSearchAntennas   = "/antennas"
)

// The limits and defaults of a search.
const (
	DefaultSearchN         = 5
	MaxSearchN             = 20
	DefaultSearchHeightM   = 30.0
	DefaultSearchStructure = StructureA2b
	MaxSearchVillageIDs    = 1000
	// MaxSearchCandidates caps the candidates of one search (towers first,
	// then peaks and ridges, then road and power-line points).
	MaxSearchCandidates = 2000
	// SearchReliefRadiusCells is the half side of the DEM window a peak or
	// ridge cell must top (5 cells: ±450 m on a 3" DEM).
	SearchReliefRadiusCells = 5
	// SearchRidgeSpacingCells keeps at most one ridge cell per block of
	// this many cells square (10: about 900 m on a 3" DEM).
	SearchRidgeSpacingCells = 10
	// SearchMinReliefM is how far a peak or ridge cell must stand above
	// the mean of its window, m.
	SearchMinReliefM = 15.0
	// SearchLineSpacingM is the spacing of the candidates along a road or
	// power line, m.
	SearchLineSpacingM = 1000.0
	// SearchLineSetbackM is added to the structure's height to give how
	// far beside a road or power line a candidate stands: outside the
	// fall zone (the height) and the 20 m road corridor.
	SearchLineSetbackM = 30.0
	// SearchVillageMarginM widens the bound of a village-ID search: the
	// candidates may stand this far outside the villages' extent.
	SearchVillageMarginM = 5000.0
)

// The sources of the targets of a search.
const (
	// TargetsFromGapAnalysis: the villages' statuses for the carrier come
	// from the latest done gap analysis that classified them.
	TargetsFromGapAnalysis = "gap_analysis"
	// TargetsFromCoverage: no analysis classified them all, so the
	// carrier's existing coverage of their centres was computed now, as a
	// gap analysis does (GapService.CarrierLevels).
	TargetsFromCoverage = "coverage"
)

// SearchGuarantee states the approximation guarantee of the greedy
// method; the API and the README repeat it.
const SearchGuarantee = "greedy maximum coverage: the people the chosen locations cover together are at least (1 − 1/e) ≈ 63% of the best possible choice of as many locations among the same zoning-clean candidates (Nemhauser, Wolsey and Fisher 1978)"

// CandidateKind says where a candidate location came from.
type CandidateKind string

// The candidate kinds, in the order a search lists them (which breaks
// ties between candidates that cover the same people).
const (
	CandidateTower     CandidateKind = "tower"      // an existing tower tall enough to share
	CandidatePeak      CandidateKind = "peak"       // a DEM peak
	CandidateRidge     CandidateKind = "ridge"      // a DEM ridge cell
	CandidateRoad      CandidateKind = "road"       // beside a road
	CandidatePowerLine CandidateKind = "power_line" // beside a power line
)

// CandidateKinds lists the kinds in search order.
var CandidateKinds = []CandidateKind{CandidateTower, CandidatePeak, CandidateRidge, CandidateRoad, CandidatePowerLine}

// SearchParams is what a best-site search is asked. Exactly one of
// AdminUnit, BBox and VillageIDs gives the area.
type SearchParams struct {
	AdminUnit  string     // an admin unit code (its current version)
	BBox       *orb.Bound // [lon, lat] EPSG:4326
	VillageIDs []int64    // zone IDs of villages or hamlets
	Carrier    string     // the MNC searched for
	N          int        // locations wanted, 1..MaxSearchN
	Structure  Structure
	HeightM    float64   // structure height (the antennas' height), m
	Antennas   []Antenna // as a proposal's; none takes DefaultSearchAntennas
	// RequestedBy is the organization of the caller who started it.
	RequestedBy string
}

// DefaultSearchAntennas are the antennas of a search that names none:
// three sectors (0°, 120°, 240°) of the radio defaults' LTE band, EIRP and
// tilt.
func DefaultSearchAntennas(defs RadioDefaults) []Antenna {
	td, _ := defs.Tech("LTE")
	out := make([]Antenna, 0, 3)
	for _, az := range []float64{0, 120, 240} {
		out = append(out, Antenna{AzimuthDeg: az, TiltDeg: td.TiltDeg, BandMHz: td.BandMHz, EIRPdBm: td.EIRPdBm, Technology: "LTE"})
	}
	return out
}

// Candidate is one place a mast could stand.
type Candidate struct {
	Kind     CandidateKind
	Location orb.Point // [lon, lat] EPSG:4326
	GroundM  float64   // DEM elevation, m (NaN when unknown)
	ReliefM  float64   // peaks and ridges: height above the window's mean, m
	// Name is the road's, line's or tower's name, where it has one.
	Name string
	// The tower of a sharing candidate: its carrier (or owner), code and
	// height, m.
	TowerCarrier, TowerCode string
	TowerHeightM            float64
}

// InfraFeature is one feature of the zoning layers a search reads for its
// candidates: a road or power line (Line) or a tower of the tower layer
// (Point, with its height when the layer gives one).
type InfraFeature struct {
	Kind     CandidateKind // CandidateRoad, CandidatePowerLine or CandidateTower
	ZoneID   int64
	Name     string
	Owner    string
	Category string
	Line     orb.MultiLineString
	Point    orb.Point
	HeightM  float64 // 0 when the layer gives none
}

// CandidateInput is what Candidates builds the candidates from.
type CandidateInput struct {
	Bound   orb.Bound // where candidates may stand
	DEM     *geo.Grid // nil: no peaks or ridges
	Infra   []InfraFeature
	Sites   []ExistingSite // existing towers
	HeightM float64        // the antennas' height: a shared tower must be at least as tall
}

// Candidates returns the candidate locations inside in.Bound, in
// CandidateKinds order and, within a kind, in a fixed order (towers by
// network order, peaks and ridges by relief, line points along their
// line): existing sites and layer towers at least HeightM tall; the peaks
// and ridge cells of the DEM (geo.ReliefPoints); points SearchLineSpacingM
// apart along roads and power lines, HeightM + SearchLineSetbackM to
// either side. A point within 1 m of an earlier one is dropped, and at
// most MaxSearchCandidates are returned.
func Candidates(in CandidateInput) []Candidate {
	var out []Candidate
	inside := func(p orb.Point) bool { return in.Bound.Contains(p) }
	ground := func(p orb.Point) float64 {
		if in.DEM == nil {
			return math.NaN()
		}
		return in.DEM.Bilinear(p)
	}
	for _, s := range in.Sites {
		if s.HeightM >= in.HeightM && inside(s.Location) {
			out = append(out, Candidate{Kind: CandidateTower, Location: s.Location, GroundM: ground(s.Location),
				Name: s.Code, TowerCarrier: s.Carrier, TowerCode: s.Code, TowerHeightM: s.HeightM})
		}
	}
	for _, f := range in.Infra {
		if f.Kind == CandidateTower && f.HeightM >= in.HeightM && inside(f.Point) {
			out = append(out, Candidate{Kind: CandidateTower, Location: f.Point, GroundM: ground(f.Point),
				Name: f.Name, TowerCarrier: f.Owner, TowerHeightM: f.HeightM})
		}
	}
	if in.DEM != nil {
		pts := geo.ReliefPoints(in.DEM, in.Bound, SearchReliefRadiusCells, SearchRidgeSpacingCells, SearchMinReliefM, MaxSearchCandidates)
		for _, k := range []geo.ReliefKind{geo.Peak, geo.Ridge} {
			for _, p := range pts {
				if p.Kind != k {
					continue
				}
				kind := CandidatePeak
				if k == geo.Ridge {
					kind = CandidateRidge
				}
				out = append(out, Candidate{Kind: kind, Location: p.Location, GroundM: p.HeightM, ReliefM: p.ReliefM})
			}
		}
	}
	for _, kind := range []CandidateKind{CandidateRoad, CandidatePowerLine} {
		for _, f := range in.Infra {
			if f.Kind != kind {
				continue
			}
			for _, l := range f.Line {
				for _, p := range geo.OffsetSamples(l, SearchLineSpacingM, in.HeightM+SearchLineSetbackM) {
					if inside(p) {
						out = append(out, Candidate{Kind: kind, Location: p, GroundM: ground(p), Name: f.Name})
					}
				}
			}
		}
	}
	// Drop repeats (a tower that is both a site and a layer feature).
	kept := out[:0]
	for _, c := range out {
		dup := false
		for _, k := range kept {
			if geo.DistanceM(k.Location, c.Location) < 1 {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, c)
		}
		if len(kept) == MaxSearchCandidates {
			break
		}
	}
	return kept
}

// CoverInstance is a weighted maximum-coverage problem: Weights[t] is the
// people of target t, Covers[c] the targets candidate c covers.
type CoverInstance struct {
	Weights []int
	Covers  [][]int
}

// CoverInstanceOf returns the instance of a search: the targets' people,
// and for each candidate the targets whose level (levels[c][t], dBm) is
// at or above thresholdDBm.
func CoverInstanceOf(levels [][]float64, targets []Village, thresholdDBm float64) CoverInstance {
	in := CoverInstance{Weights: make([]int, len(targets)), Covers: make([][]int, len(levels))}
	for t, v := range targets {
		in.Weights[t] = v.Population
	}
	for c := range levels {
		for t, lv := range levels[c] {
			if lv >= thresholdDBm {
				in.Covers[c] = append(in.Covers[c], t)
			}
		}
	}
	return in
}

// GreedyPick is one candidate chosen by GreedyMaxCoverage: the targets it
// newly covers and their people, and the totals so far.
type GreedyPick struct {
	Candidate        int
	New              []int // targets, ascending
	People           int
	CumulativePeople int
	CumulativeTarget int
}

// GreedyMaxCoverage chooses up to n candidates that together cover the
// most people: each round it takes the allowed candidate with the largest
// marginal gain, the people of targets no earlier pick covers. Ties go to
// the candidate that newly covers more targets, then to the lower index
// (so the result is deterministic, and the order of the candidates is a
// preference). It stops early when no allowed candidate covers a new
// target.
//
// allowed is asked lazily, in order of gain, and only until one candidate
// passes: the answer is the same as filtering every candidate first, at
// the cost of checking a few. It is asked at most once per candidate; an
// error stops the search.
//
// Guarantee: maximum coverage is NP-hard, and this greedy choice covers at
// least 1 − (1 − 1/k)^k > 1 − 1/e ≈ 63% of the people that the best k
// allowed candidates could cover together, k the picks it returns
// (Nemhauser, Wolsey and Fisher 1978; see SearchGuarantee).
func GreedyMaxCoverage(in CoverInstance, n int, allowed func(candidate int) (bool, error)) ([]GreedyPick, error) {
	covered := make([]bool, len(in.Weights))
	state := make([]int8, len(in.Covers)) // 0 unknown, 1 allowed, -1 refused or picked
	type gain struct{ c, people, targets int }
	var picks []GreedyPick
	cumPeople, cumTargets := 0, 0
	for len(picks) < n {
		var gs []gain
		for c, ts := range in.Covers {
			if state[c] < 0 {
				continue
			}
			g := gain{c: c}
			for _, t := range ts {
				if !covered[t] {
					g.people += in.Weights[t]
					g.targets++
				}
			}
			if g.targets > 0 {
				gs = append(gs, g)
			}
		}
		slices.SortFunc(gs, func(a, b gain) int {
			if c := cmp.Compare(b.people, a.people); c != 0 {
				return c
			}
			if c := cmp.Compare(b.targets, a.targets); c != 0 {
				return c
			}
			return cmp.Compare(a.c, b.c)
		})
		chosen := -1
		for _, g := range gs {
			if state[g.c] == 0 {
				ok, err := allowed(g.c)
				if err != nil {
					return picks, err
				}
				state[g.c] = 1
				if !ok {
					state[g.c] = -1
				}
			}
			if state[g.c] == 1 {
				chosen = g.c
				break
			}
		}
		if chosen < 0 {
			break
		}
		state[chosen] = -1
		p := GreedyPick{Candidate: chosen}
		for _, t := range in.Covers[chosen] {
			if !covered[t] {
				covered[t] = true
				p.New = append(p.New, t)
				p.People += in.Weights[t]
			}
		}
		slices.Sort(p.New)
		cumPeople += p.People
		cumTargets += len(p.New)
		p.CumulativePeople, p.CumulativeTarget = cumPeople, cumTargets
		picks = append(picks, p)
	}
	return picks, nil
}

// SearchVillage is a target village a location newly covers.
type SearchVillage struct {
	ZoneID        int64
	Name          string
	Category      string
	Population    int
	HasPopulation bool
	LevelDBm      float64 // the location's level at its centre, dBm of the metric
}

// SearchLocation is one chosen location, a draft proposal of the carrier.
type SearchLocation struct {
	Rank      int // 1 for the first pick
	Candidate Candidate
	// Site is the draft proposal: the candidate's location with the
	// search's structure, height and antennas, the carrier and a site
	// code of its own (SearchSiteCode).
	Site Site
	// MarginalPeople are the people of the villages it newly covers (those
	// earlier ranks did not); Villages those villages.
	MarginalPeople int
	Villages       []SearchVillage
	// CumulativePeople and CumulativeVillages are the totals of ranks 1
	// to Rank.
	CumulativePeople, CumulativeVillages int
	// Verdict is APPROVE or CONDITIONAL (a CONFLICT is never chosen);
	// Findings are the zoning findings of severity condition.
	Verdict   Verdict
	Findings  []Finding
	Province  string
	AdminUnit string
	// CaseID is the draft case stored for it (0 when the carrier had a
	// case of that site code already); ProposalID the proposal once
	// adopted.
	CaseID     int64
	ProposalID int64
}

// SearchCounts sums up a finished search.
type SearchCounts struct {
	Villages     int // villages and hamlets of the area
	Targets      int // of which the carrier does not cover
	TargetPeople int
	// TargetsFrom is TargetsFromGapAnalysis (GapAnalysisID the newest
	// analysis used) or TargetsFromCoverage (CarrierCoverages computed or
	// found cached).
	TargetsFrom      string
	GapAnalysisID    int64
	CarrierCoverages int
	// Candidates counts the candidates by kind; Reaching those that cover
	// at least one target; ZoningChecked those whose zoning was checked
	// (lazily, see GreedyMaxCoverage), ZoningConflicts those refused.
	Candidates      map[CandidateKind]int
	Reaching        int
	ZoningChecked   int
	ZoningConflicts int
	// ZoningUnchecked counts candidates the zoning check could not assess
	// (outside every admin unit): never chosen.
	ZoningUnchecked int
	// Locations chosen, and the people and villages they cover together.
	Locations       int
	CoveredPeople   int
	CoveredVillages int
	// The radio configuration used: the province's defaults.
	Province             string
	RadioDefaultsVersion string
	Technology           string
	BandMHz              float64
	ThresholdDBm         float64
	DEMVersion           string
	ElapsedMS            int64
}

// SiteSearch is one best-site search: what was asked, its job, where it
// stands and, once done, its counts.
type SiteSearch struct {
	ID        int64
	JobID     int64
	Params    SearchParams
	State     JobState
	Progress  JobProgress
	Counts    SearchCounts
	Error     string
	CreatedAt time.Time
	DoneAt    time.Time
}

// CanSeeSearch reports whether p may see search s: a carrier only the
// searches for its own organization, an analyst and an admin every one.
func CanSeeSearch(p Principal, s SiteSearch) bool {
	switch {
	case p.HasAny(RoleAdmin, RoleAnalyst, RoleSystem):
		return true
	case p.Has(RoleCarrier):
		return s.Params.Carrier == p.Org
	}
	return false
}

// SiteSearchStore keeps best-site searches and reads what they need
// beyond the gap analyses' stores.
type SiteSearchStore interface {
	// CreateSiteSearch stores a queued search and queues its job in the
	// same transaction, filling in ID, JobID, State and CreatedAt.
	CreateSiteSearch(ctx context.Context, s *SiteSearch) error
	// SiteSearch returns one search; NotFound.
	SiteSearch(ctx context.Context, id int64) (SiteSearch, error)
	// SiteSearches returns a page of the searches for carrier (every
	// carrier's when empty), newest first, and how many there are in all.
	SiteSearches(ctx context.Context, carrier string, pg ListPage) ([]SiteSearch, int, error)
	// SetSiteSearchState records a search's state (and why it failed).
	SetSiteSearchState(ctx context.Context, id int64, state JobState, reason string) error
	// VillagesByID returns the villages and hamlets of the current
	// settlement layers among ids, in zone order.
	VillagesByID(ctx context.Context, ids []int64) ([]Village, error)
	// SearchInfra returns the roads and power lines (corridor layers,
	// categories road_* and power_*) and the towers (tower layers) of the
	// current layers that meet bound.
	SearchInfra(ctx context.Context, bound orb.Bound) ([]InfraFeature, error)
	// InsideUnit reports which of pts admin unit code (its version in
	// force, else its latest) covers.
	InsideUnit(ctx context.Context, code string, pts []orb.Point) ([]bool, error)
	// SaveSiteSearchResult stores the locations, a draft case (state
	// draft, no proposal) of the carrier for each (filling CaseID), and
	// marks the search done with counts, in one transaction.
	SaveSiteSearchResult(ctx context.Context, id int64, locs []SearchLocation, counts SearchCounts) error
	// SiteSearchLocations returns the locations of a search, by rank.
	SiteSearchLocations(ctx context.Context, id int64) ([]SearchLocation, error)
	// SetLocationProposal records that location rank of search id was
	// adopted as proposal proposalID.
	SetLocationProposal(ctx context.Context, id int64, rank int, proposalID int64) error
}
