package planning

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"btsplan/geo"
)

// JobKindGapAnalysis is the kind of the job that computes a gap analysis
// (GapService.Run).
const JobKindGapAnalysis = "gap_analysis"

// The settlement categories a gap analysis reads. Villages and hamlets are
// classified; home clusters (outlying groups of homes) only decide whether
// the village they belong to is lõm sóng, and count as populated area.
const (
	CategoryVillage     = "village"
	CategoryHamlet      = "hamlet"
	CategoryHomeCluster = "home_cluster"
)

// GapCategories lists the settlement categories a gap analysis reads.
var GapCategories = []string{CategoryVillage, CategoryHamlet, CategoryHomeCluster}

// VillageStatus is how well one carrier covers one village.
type VillageStatus string

// The village statuses, the words of the national list.
const (
	// Covered: the centre has signal, and so do the village's home
	// clusters and at least 1 − LomSongShare of its area.
	Covered VillageStatus = "covered"
	// LomSong (lõm sóng): the centre has signal, but a home cluster or
	// more than LomSongShare of the village's area does not.
	LomSong VillageStatus = "lom_song"
	// TrangSong (trắng sóng): no signal at the centre.
	TrangSong VillageStatus = "trang_song"
)

// NotSpot says how a village stands over all the analysed carriers.
type NotSpot string

// The not-spot classes.
const (
	NotSpotTotal   NotSpot = "total"   // trắng sóng for every carrier (or no carrier at all)
	NotSpotPartial NotSpot = "partial" // some carrier leaves it trắng or lõm sóng, not every one trắng
	NotSpotNone    NotSpot = "none"    // covered by every carrier
)

// The defaults of GapParams.
const (
	DefaultLomSongShare = 0.3    // share of a village polygon's area
	DefaultClusterNearM = 500.0  // a home cluster this close to a village centre belongs to it, m
	DefaultGapBufferM   = 500.0  // populated area around a village point, m
	MaxGapAreaKm2       = 5000.0 // the largest bbox an analysis accepts, km²
	// MaxGapCarriers bounds the carriers an analysis names: Vietnam has
	// a handful, and each one named is looked up in the organization table.
	MaxGapCarriers = 20
)

// GapReliability is the ITM reliability of an analysis: % of time and %
// of locations, each in (0, 100).
type GapReliability struct {
	TimePct, LocationPct float64
}

// GapParams is what a gap analysis is asked. Exactly one of AdminUnit and
// BBox gives the area.
type GapParams struct {
	AdminUnit string     // an admin unit code (its current version)
	BBox      *orb.Bound // [lon, lat] EPSG:4326
	// Carriers are the MNC codes analysed; empty means every carrier
	// with a site in or near the area (filled in when the analysis runs).
	Carriers []string
	// ThresholdDBm, when set, replaces the per-technology thresholds of
	// the radio defaults (dBm of each technology's metric).
	ThresholdDBm *float64
	// Reliability, when set, replaces the radio defaults' time and
	// location percentages.
	Reliability *GapReliability
	// LomSongShare is the share of a village polygon's area that may lack
	// signal before the village is lõm sóng; 0 means DefaultLomSongShare.
	LomSongShare float64
	// ClusterNearM: a home cluster within this distance of a village
	// centre (or inside its polygon) belongs to it; 0 means the default.
	ClusterNearM float64
	// BufferM is the populated area around a village point; 0 means the
	// default.
	BufferM float64
	// Province chooses the radio defaults; "" is the national ones.
	Province string
	// Fresh makes the analysis recompute everything instead of reusing
	// the latest done analysis of the same ReuseKey.
	Fresh bool
}

// ReuseKey names what an analysis's results depend on besides the sites
// and the villages: the area, the carriers (in any order) and every
// tunable, defaults filled in. An analysis reuses the per-site results
// of the latest done one with the same key.
func (p GapParams) ReuseKey() string {
	p = p.withDefaults()
	cs := slices.Clone(p.Carriers)
	slices.Sort(cs)
	var b strings.Builder
	fmt.Fprintf(&b, "gap-reuse-1|unit=%q|", p.AdminUnit)
	if p.BBox != nil {
		fmt.Fprintf(&b, "bbox=%v,%v,%v,%v|", p.BBox.Min[0], p.BBox.Min[1], p.BBox.Max[0], p.BBox.Max[1])
	}
	fmt.Fprintf(&b, "carriers=%q|", cs)
	if p.ThresholdDBm != nil {
		fmt.Fprintf(&b, "threshold=%v|", *p.ThresholdDBm)
	}
	if r := p.Reliability; r != nil {
		fmt.Fprintf(&b, "reliability=%v,%v|", r.TimePct, r.LocationPct)
	}
	fmt.Fprintf(&b, "lom=%v|near=%v|buffer=%v|province=%q", p.LomSongShare, p.ClusterNearM, p.BufferM, p.Province)
	return b.String()
}

// withDefaults fills the zero tunables.
func (p GapParams) withDefaults() GapParams {
	if p.LomSongShare == 0 {
		p.LomSongShare = DefaultLomSongShare
	}
	if p.ClusterNearM == 0 {
		p.ClusterNearM = DefaultClusterNearM
	}
	if p.BufferM == 0 {
		p.BufferM = DefaultGapBufferM
	}
	return p
}

// GapCarrierCounts counts the villages of one carrier by status.
type GapCarrierCounts struct {
	Covered, LomSong, TrangSong int
}

// GapCounts sums up a finished analysis.
type GapCounts struct {
	Villages  int // villages and hamlets classified
	People    int // their population, where known
	Clusters  int // home clusters read
	Sites     int // existing sites whose coverage was used
	Coverages int // coverages computed or found cached
	Cached    int // of which cached
	// SkippedSites are the codes of sites whose coverage could not be
	// computed (outside the DEM, say), "carrier/code: reason".
	SkippedSites []string
	Carriers     map[string]GapCarrierCounts
	// The villages by not-spot class, and the people in them.
	NotSpotTotal, NotSpotPartial, NotSpotNone int
	PeopleTotal, PeoplePartial                int
	GapAreas                                  int     // gap polygons
	GapKm2                                    float64 // their area on the ellipsoid, km²
	// ReusedFrom is the earlier analysis whose results this one reused
	// (0 when it computed everything). VillagesRecomputed are the
	// villages and hamlets within the radius of a site that changed
	// since (added, removed or with other inputs), or new; the others,
	// VillagesReused, keep that analysis's results. SitesRecomputed are
	// the coverages whose levels at the settlement points were computed
	// (and whose raster was computed or read from the cache);
	// SitesReused those taken whole from ReusedFrom.
	ReusedFrom                         int64
	VillagesRecomputed, VillagesReused int
	SitesRecomputed, SitesReused       int
}

// GapSite is one coverage (a site's band and technology) a gap analysis
// used, and its levels at the settlement points within its radius.
type GapSite struct {
	Carrier      string
	InputHash    string    // coverage.Hash of its inputs, DEM version included
	Location     orb.Point // [lon, lat] EPSG:4326
	RadiusM      float64
	ThresholdDBm float64
	CoverageID   int64 // its stored coverage (raster and covered area)
	// LevelDBm[zone ID] is its level at the centre of each settlement
	// feature within RadiusM, dBm, from a profile drawn straight to it
	// (NaN where ITM gives none).
	LevelDBm map[int64]float64
}

// key identifies a GapSite within an analysis.
func (g GapSite) key() string { return g.Carrier + " " + g.InputHash }

// GapPrevious is what an analysis reuses of an earlier one.
type GapPrevious struct {
	ID int64 // 0 when there is none
	// Sites are its GapSites by carrier and input hash (GapSite.key).
	Sites map[string]GapSite
	// Shares[zone ID][carrier] is the covered share of each classified
	// village (NaN for a point): a zone it holds was classified.
	Shares map[int64]map[string]float64
}

// GapResult is what SaveGapResult stores.
type GapResult struct {
	Villages []GapVillage
	Counts   GapCounts
	// Shares[zone ID][carrier] are the polygons' covered shares.
	Shares map[int64]map[string]float64
	// Populated are the zone IDs whose area (polygons, or points
	// buffered by BufferM) makes the gap polygons, minus the covered
	// areas of the Sites' coverages.
	Populated []int64
	BufferM   float64
	Sites     []GapSite
	// ReuseAreasOf, when not 0, is an earlier analysis of the same
	// ReuseKey whose gap polygons are kept in every connected part of the
	// populated area that holds none of the Redraw zones; the other parts
	// are cut anew. 0 cuts every part.
	ReuseAreasOf int64
	Redraw       []int64
}

// GapAnalysis is one gap analysis: what was asked, its job, where it
// stands and, once done, its counts.
type GapAnalysis struct {
	ID        int64
	JobID     int64
	Params    GapParams
	State     JobState
	Progress  JobProgress
	Counts    GapCounts
	Error     string // why it failed, when it did
	CreatedAt time.Time
	DoneAt    time.Time // zero until done
}

// Village is one settlement feature: a village, hamlet or home cluster.
// Centre is the point its signal is judged at: the point itself, or a
// point on the surface of its polygon.
type Village struct {
	ZoneID        int64
	Category      string
	Name          string
	Population    int
	HasPopulation bool
	Centre        orb.Point    // [lon, lat] EPSG:4326
	Geometry      orb.Geometry // EPSG:4326
	// Properties are the source feature's, kept whole (an OSM id…).
	Properties map[string]any
}

// IsArea reports whether v is a polygon.
func (v Village) IsArea() bool {
	switch v.Geometry.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return true
	}
	return false
}

// CarrierCoverage is one carrier's coverage of one village: its status
// and the best received level at the centre, dBm of the technology's
// metric (NaN when no site of the carrier reaches it).
type CarrierCoverage struct {
	Status   VillageStatus
	LevelDBm float64
}

// GapVillage is one village's result: per carrier (MNC) its coverage,
// and its not-spot class over all of them.
type GapVillage struct {
	Village
	Coverage map[string]CarrierCoverage
	NotSpot  NotSpot
}

// GapArea is one gap polygon: populated area that no carrier covers.
type GapArea struct {
	ID       int64
	Geometry orb.MultiPolygon // EPSG:4326
	AreaKm2  float64
}

// PointLevel is the best received level at a point among a carrier's
// coverages (NaN when none reaches it) and whether any of them covers the
// point (the level at or above that coverage's threshold).
type PointLevel struct {
	LevelDBm float64
	Covered  bool
}

// GapInput is what ClassifyVillages needs, gathered by GapService.Run.
type GapInput struct {
	Carriers []string
	// Villages are the settlement features, home clusters included.
	Villages []Village
	// Levels[carrier][i] is the carrier's level at Villages[i].Centre.
	Levels map[string][]PointLevel
	// CoveredShare[carrier][zone id] is the share of a village polygon's
	// area that the carrier covers, in [0, 1]; polygons only.
	CoveredShare map[string]map[int64]float64
	LomSongShare float64 // 0 means DefaultLomSongShare
	ClusterNearM float64 // 0 means DefaultClusterNearM
}

// ClassifyVillages classifies every village and hamlet of in for every
// carrier (home clusters are not rows of their own):
//
//   - trang_song when the carrier has no signal at the centre;
//   - lom_song when it has, but a home cluster that belongs to the village
//     (inside its polygon, or within ClusterNearM of its centre, nearest
//     village first) has none, or the carrier covers less than
//     1 − LomSongShare of the village polygon;
//   - covered otherwise.
//
// The not-spot class is total when every carrier is trang_song (or there
// is no carrier), none when every carrier covers, partial otherwise. The
// order of in.Villages is kept.
func ClassifyVillages(in GapInput) []GapVillage {
	share := in.LomSongShare
	if share == 0 {
		share = DefaultLomSongShare
	}
	near := in.ClusterNearM
	if near == 0 {
		near = DefaultClusterNearM
	}
	// The home clusters of each village, by index in in.Villages.
	clusters := map[int][]int{}
	for ci, c := range in.Villages {
		if c.Category != CategoryHomeCluster {
			continue
		}
		best, bestD := -1, math.Inf(1)
		for vi, v := range in.Villages {
			if v.Category == CategoryHomeCluster {
				continue
			}
			if contains(v.Geometry, c.Centre) {
				best, bestD = vi, 0
				break
			}
			if d := geo.DistanceM(v.Centre, c.Centre); d <= near && d < bestD {
				best, bestD = vi, d
			}
		}
		if best >= 0 {
			clusters[best] = append(clusters[best], ci)
		}
	}
	var out []GapVillage
	for vi, v := range in.Villages {
		if v.Category == CategoryHomeCluster {
			continue
		}
		gv := GapVillage{Village: v, Coverage: make(map[string]CarrierCoverage, len(in.Carriers))}
		trang, covered := 0, 0
		for _, mnc := range in.Carriers {
			lv := level(in.Levels[mnc], vi)
			cc := CarrierCoverage{Status: TrangSong, LevelDBm: lv.LevelDBm}
			if lv.Covered {
				cc.Status = Covered
				for _, ci := range clusters[vi] {
					if !level(in.Levels[mnc], ci).Covered {
						cc.Status = LomSong
					}
				}
				if s, ok := in.CoveredShare[mnc][v.ZoneID]; ok && v.IsArea() && 1-s > share {
					cc.Status = LomSong
				}
			}
			switch cc.Status {
			case TrangSong:
				trang++
			case Covered:
				covered++
			}
			gv.Coverage[mnc] = cc
		}
		switch {
		case trang == len(in.Carriers):
			gv.NotSpot = NotSpotTotal
		case covered == len(in.Carriers):
			gv.NotSpot = NotSpotNone
		default:
			gv.NotSpot = NotSpotPartial
		}
		out = append(out, gv)
	}
	return out
}

func level(ls []PointLevel, i int) PointLevel {
	if i < len(ls) {
		return ls[i]
	}
	return PointLevel{LevelDBm: math.NaN()}
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// CountGaps sums up classified villages.
func CountGaps(carriers []string, vs []GapVillage) GapCounts {
	c := GapCounts{Carriers: map[string]GapCarrierCounts{}}
	for _, mnc := range carriers {
		c.Carriers[mnc] = GapCarrierCounts{}
	}
	for _, v := range vs {
		c.Villages++
		c.People += v.Population
		for mnc, cc := range v.Coverage {
			k := c.Carriers[mnc]
			switch cc.Status {
			case Covered:
				k.Covered++
			case LomSong:
				k.LomSong++
			case TrangSong:
				k.TrangSong++
			}
			c.Carriers[mnc] = k
		}
		switch v.NotSpot {
		case NotSpotTotal:
			c.NotSpotTotal++
			c.PeopleTotal += v.Population
		case NotSpotPartial:
			c.NotSpotPartial++
			c.PeoplePartial += v.Population
		default:
			c.NotSpotNone++
		}
	}
	return c
}

// SampleNearest returns the value of the cell of g that holds p
// ([lon, lat]), NaN outside g or where it has no data. The covered
// polygons are made of whole cells, so the nearest cell (not an
// interpolation) agrees with them.
func SampleNearest(g *geo.Grid, p orb.Point) float64 {
	x := int(math.Floor((p[0] - g.West) / g.DLon))
	y := int(math.Floor((g.North - p[1]) / g.DLat))
	return float64(g.At(x, y))
}

// GapStore keeps gap analyses and reads the settlements they classify.
type GapStore interface {
	// GapVillages returns the features of categories GapCategories of the
	// current settlement layers that intersect the analysis area (the
	// admin unit's current version, or the bbox), with their population
	// (the layer's population field) and source properties. Errors:
	// Invalid naming FieldGapAdminUnit for an unknown admin unit, Unavailable.
	GapVillages(ctx context.Context, p GapParams) ([]Village, error)
	// GapBound returns the extent of the analysis area; Invalid naming
	// FieldGapAdminUnit for an unknown admin unit.
	GapBound(ctx context.Context, p GapParams) (orb.Bound, error)
	// CreateGapAnalysis stores a queued analysis and queues its job in the
	// same transaction, filling in ID, JobID, State and CreatedAt.
	CreateGapAnalysis(ctx context.Context, a *GapAnalysis) error
	// GapAnalysis returns one analysis; NotFound.
	GapAnalysis(ctx context.Context, id int64) (GapAnalysis, error)
	// GapAnalyses returns a page of the analyses, newest first, and how
	// many there are in all.
	GapAnalyses(ctx context.Context, pg ListPage) ([]GapAnalysis, int, error)
	// SetGapState records an analysis's state (and why it failed).
	SetGapState(ctx context.Context, id int64, state JobState, reason string) error
	// CoveredShares returns, for each polygon of zoneIDs, the share of its
	// area inside the union of the covered areas of coverageIDs, in [0, 1].
	CoveredShares(ctx context.Context, zoneIDs, coverageIDs []int64) (map[int64]float64, error)
	// SaveGapResult stores the villages' results, their covered shares
	// and the sites with their levels, computes the gap polygons (the
	// populated area of r.Populated, polygons or points buffered by
	// r.BufferM, minus the union of the covered areas of the sites'
	// coverages) and marks the analysis done with r.Counts, to which it
	// adds GapAreas and GapKm2; it returns the counts stored.
	SaveGapResult(ctx context.Context, id int64, r GapResult) (GapCounts, error)
	// PreviousGapAnalysis returns the latest done analysis before id with
	// the same reuse key (GapParams.ReuseKey), with its sites, levels and
	// shares; ID 0 when there is none.
	PreviousGapAnalysis(ctx context.Context, id int64, reuseKey string) (GapPrevious, error)
	// GapVillageResults returns the villages of a done analysis with
	// their per-carrier results, in zone order.
	GapVillageResults(ctx context.Context, id int64) ([]GapVillage, error)
	// GapAreas returns the gap polygons of an analysis.
	GapAreas(ctx context.Context, id int64) ([]GapArea, error)
}

// CoverageGrids reads back the received-level raster of a stored
// coverage (its GeoTIFF). data/dem implements it.
type CoverageGrids interface {
	// CoverageGrid returns c's level grid in dBm, NaN where no level.
	// Errors: NotFound when its file is missing.
	CoverageGrid(ctx context.Context, c Coverage) (*geo.Grid, error)
}
