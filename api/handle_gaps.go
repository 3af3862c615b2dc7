package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// Gap analyses: POST /v1/gap-analyses queues one (202), GET
// /v1/gap-analyses/{id} says where it stands, and once done …/villages
// gives the village table, …/villages.geojson and …/gaps.geojson the map
// layers.

// gapRequest is the body of POST /v1/gap-analyses.
type gapRequest struct {
	AdminUnit    *string        `json:"admin_unit"`
	BBox         []float64      `json:"bbox"`
	Carriers     []string       `json:"carriers"`
	ThresholdDBm *float64       `json:"threshold_dbm"`
	Reliability  *reliabilityIn `json:"reliability"`
	LomSongShare *float64       `json:"lom_song_share"`
	// Fresh recomputes every site and village instead of starting from
	// the latest done analysis of the same area, carriers and tunables.
	Fresh *bool `json:"fresh"`
}

type reliabilityIn struct {
	TimePct     *float64 `json:"time_pct"`
	LocationPct *float64 `json:"location_pct"`
}

// params checks the request's form and returns the analysis parameters.
func (r gapRequest) params() (planning.GapParams, error) {
	var p planning.GapParams
	var errs []error
	if r.AdminUnit != nil {
		if *r.AdminUnit == "" {
			errs = append(errs, planning.FieldError(planning.FieldGapAdminUnit, "empty: give an admin unit code"))
		}
		p.AdminUnit = *r.AdminUnit
	}
	if r.BBox != nil {
		if len(r.BBox) != 4 {
			errs = append(errs, malformed(planning.FieldGapBBox, "want [west, south, east, north], got %d numbers", len(r.BBox)))
		} else {
			p.BBox = &orb.Bound{Min: orb.Point{r.BBox[0], r.BBox[1]}, Max: orb.Point{r.BBox[2], r.BBox[3]}}
		}
	}
	p.Carriers = r.Carriers
	p.ThresholdDBm = r.ThresholdDBm
	if rel := r.Reliability; rel != nil {
		switch {
		case rel.TimePct == nil:
			errs = append(errs, planning.FieldError(planning.FieldGapReliability+"/time_pct", "missing"))
		case rel.LocationPct == nil:
			errs = append(errs, planning.FieldError(planning.FieldGapReliability+"/location_pct", "missing"))
		default:
			p.Reliability = &planning.GapReliability{TimePct: *rel.TimePct, LocationPct: *rel.LocationPct}
		}
	}
	if r.LomSongShare != nil {
		if *r.LomSongShare <= 0 {
			errs = append(errs, planning.FieldError(planning.FieldGapLomSongShare, "%g is not a share in (0, 1)", *r.LomSongShare))
		}
		p.LomSongShare = *r.LomSongShare
	}
	if r.Fresh != nil {
		p.Fresh = *r.Fresh
	}
	return p, errors.Join(errs...)
}

func (s *server) gapService() (*planning.GapService, error) {
	if s.cfg.Gaps == nil {
		return nil, &planning.Error{Kind: planning.Unavailable, Err: errors.New("gap analyses are not configured")}
	}
	return s.cfg.Gaps, nil
}

// handleStartGaps serves POST /v1/gap-analyses.
func (s *server) handleStartGaps() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.gapService()
		if err != nil {
			return err
		}
		var in gapRequest
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		p, err := in.params()
		if err != nil {
			return err
		}
		a, err := svc.Start(c.Request.Context(), p)
		if err != nil {
			return err
		}
		out := newGapOut(a)
		c.Header("Location", out.Links.Self)
		writeJSON(c, http.StatusAccepted, contentTypeJSON, out)
		return nil
	}
}

// handleListGaps serves GET /v1/gap-analyses?limit=&offset=: the
// analyses newest first.
func (s *server) handleListGaps() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.gapService()
		if err != nil {
			return err
		}
		pg, err := listPage(c.Request.URL.Query())
		if err != nil {
			return err
		}
		as, total, err := svc.Analyses(c.Request.Context(), pg)
		if err != nil {
			return err
		}
		writePage(c, pg, as, total, newGapOut)
		return nil
	}
}

// gapID reads the {id} of a gap-analysis route.
func gapID(c *gin.Context) (int64, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	return id, nil
}

// handleGetGaps serves GET /v1/gap-analyses/{id}.
func (s *server) handleGetGaps() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.gapRoute(c)
		if err != nil {
			return err
		}
		a, err := svc.Analysis(c.Request.Context(), id)
		if err != nil {
			return err
		}
		out := newGapOut(a)
		if a.State == planning.JobDone {
			// Predicted against official: the counts of the comparison
			// with the latest list, read now (the list may be newer than
			// the analysis).
			_, _, cmp, err := s.comparedVillages(c, svc, id)
			if err != nil {
				return err
			}
			out.Official = newOfficialCountsOut(cmp)
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, out)
		return nil
	}
}

// gapRoute reads what every GET of one analysis needs: the service and
// the analysis id of the path.
func (s *server) gapRoute(c *gin.Context) (*planning.GapService, int64, error) {
	svc, err := s.gapService()
	if err != nil {
		return nil, 0, err
	}
	id, err := gapID(c)
	return svc, id, err
}

// handleGapVillages serves GET /v1/gap-analyses/{id}/villages (the table).
func (s *server) handleGapVillages() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.gapRoute(c)
		if err != nil {
			return err
		}
		a, vs, cmp, err := s.comparedVillages(c, svc, id)
		if err != nil {
			return err
		}
		out := gapVillagesOut{Analysis: a.ID, Carriers: nonNil(a.Params.Carriers), Villages: make([]gapVillageOut, 0, len(vs)),
			Official: newOfficialCountsOut(cmp)}
		for _, v := range vs {
			out.Villages = append(out.Villages, newGapVillageOut(v, cmp.Villages[v.ZoneID]))
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, out)
		return nil
	}
}

// handleGapVillagesGeoJSON serves GET /v1/gap-analyses/{id}/villages.geojson.
func (s *server) handleGapVillagesGeoJSON() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.gapRoute(c)
		if err != nil {
			return err
		}
		_, vs, cmp, err := s.comparedVillages(c, svc, id)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, GapVillagesFeatureCollection(vs, cmp))
		return nil
	}
}

// handleGapAreasGeoJSON serves GET /v1/gap-analyses/{id}/gaps.geojson.
func (s *server) handleGapAreasGeoJSON() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.gapRoute(c)
		if err != nil {
			return err
		}
		_, as, err := svc.Areas(c.Request.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, GapAreasFeatureCollection(as))
		return nil
	}
}

// gapOut is a gap analysis on the wire.
type gapOut struct {
	ID        int64         `json:"id"`
	JobID     int64         `json:"job_id,omitempty"`
	State     string        `json:"state"`
	Progress  progressOut   `json:"progress"`
	Params    gapParamsOut  `json:"params"`
	Counts    *gapCountsOut `json:"counts,omitempty"`
	Error     string        `json:"error,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
	DoneAt    *time.Time    `json:"done_at,omitempty"`
	Links     gapLinks      `json:"links"`

	// Official compares a done analysis with the latest official list.
	Official *officialCountsOut `json:"official,omitempty"`
}

type progressOut struct {
	Done     int     `json:"done"`
	Total    int     `json:"total"`
	Fraction float64 `json:"fraction"`
}

type gapParamsOut struct {
	AdminUnit    string    `json:"admin_unit,omitempty"`
	BBox         []float64 `json:"bbox,omitempty"`
	Carriers     []string  `json:"carriers"`
	ThresholdDBm *float64  `json:"threshold_dbm,omitempty"`
	Reliability  *relOut   `json:"reliability,omitempty"`
	LomSongShare float64   `json:"lom_song_share,omitempty"`
	Fresh        bool      `json:"fresh,omitempty"`
}

type relOut struct {
	TimePct     float64 `json:"time_pct"`
	LocationPct float64 `json:"location_pct"`
}

type gapCountsOut struct {
	Villages       int                           `json:"villages"`
	People         int                           `json:"people"`
	HomeClusters   int                           `json:"home_clusters"`
	Sites          int                           `json:"sites"`
	Coverages      int                           `json:"coverages"`
	CoveragesCache int                           `json:"coverages_cached"`
	SkippedSites   []string                      `json:"skipped_sites"`
	Carriers       map[string]gapCarrierCountOut `json:"carriers"`
	NotSpot        map[string]int                `json:"not_spot"`
	PeopleNotSpot  map[string]int                `json:"people_not_spot"`
	GapAreas       int                           `json:"gap_areas"`
	GapKm2         float64                       `json:"gap_km2"`
	// What an incremental analysis reused (planning.GapCounts).
	ReusedAnalysis     int64 `json:"reused_analysis,omitempty"`
	VillagesRecomputed int   `json:"villages_recomputed"`
	VillagesReused     int   `json:"villages_reused"`
	SitesRecomputed    int   `json:"sites_recomputed"`
	SitesReused        int   `json:"sites_reused"`
}

type gapCarrierCountOut struct {
	Covered   int `json:"covered"`
	LomSong   int `json:"lom_song"`
	TrangSong int `json:"trang_song"`
}

type gapLinks struct {
	Self            string `json:"self"`
	Villages        string `json:"villages"`
	VillagesGeoJSON string `json:"villages_geojson"`
	GapsGeoJSON     string `json:"gaps_geojson"`
}

func newGapOut(a planning.GapAnalysis) gapOut {
	self := fmt.Sprintf("/v1/gap-analyses/%d", a.ID)
	out := gapOut{
		ID: a.ID, JobID: a.JobID, State: string(a.State),
		Progress:  progressOut{Done: a.Progress.Done, Total: a.Progress.Total, Fraction: a.Progress.Fraction()},
		Error:     a.Error,
		CreatedAt: a.CreatedAt,
		Links:     gapLinks{Self: self, Villages: self + "/villages", VillagesGeoJSON: self + "/villages.geojson", GapsGeoJSON: self + "/gaps.geojson"},
	}
	p := a.Params
	out.Params = gapParamsOut{AdminUnit: p.AdminUnit, Carriers: nonNil(p.Carriers), ThresholdDBm: p.ThresholdDBm, LomSongShare: p.LomSongShare, Fresh: p.Fresh}
	if b := p.BBox; b != nil {
		out.Params.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if r := p.Reliability; r != nil {
		out.Params.Reliability = &relOut{TimePct: r.TimePct, LocationPct: r.LocationPct}
	}
	if a.State == planning.JobDone {
		out.Progress.Fraction = 1
		if !a.DoneAt.IsZero() {
			t := a.DoneAt
			out.DoneAt = &t
		}
		k := a.Counts
		co := &gapCountsOut{Villages: k.Villages, People: k.People, HomeClusters: k.Clusters, Sites: k.Sites,
			Coverages: k.Coverages, CoveragesCache: k.Cached, SkippedSites: nonNil(k.SkippedSites),
			Carriers: map[string]gapCarrierCountOut{},
			NotSpot: map[string]int{string(planning.NotSpotTotal): k.NotSpotTotal,
				string(planning.NotSpotPartial): k.NotSpotPartial, string(planning.NotSpotNone): k.NotSpotNone},
			PeopleNotSpot: map[string]int{string(planning.NotSpotTotal): k.PeopleTotal, string(planning.NotSpotPartial): k.PeoplePartial},
			GapAreas:      k.GapAreas, GapKm2: k.GapKm2,
			ReusedAnalysis: k.ReusedFrom, VillagesRecomputed: k.VillagesRecomputed, VillagesReused: k.VillagesReused,
			SitesRecomputed: k.SitesRecomputed, SitesReused: k.SitesReused}
		for mnc, cc := range k.Carriers {
			co.Carriers[mnc] = gapCarrierCountOut(cc)
		}
		out.Counts = co
	}
	return out
}

// gapVillagesOut is the village table.
type gapVillagesOut struct {
	Analysis int64           `json:"analysis"`
	Carriers []string        `json:"carriers"`
	Villages []gapVillageOut `json:"villages"`
	// Official sums up the comparison with the latest official list.
	Official *officialCountsOut `json:"official"`
}

type gapVillageOut struct {
	ID         int64                    `json:"id"`
	Name       string                   `json:"name"`
	Category   string                   `json:"category"`
	Population *int                     `json:"population"`
	Centre     [2]float64               `json:"centre"`
	Properties map[string]any           `json:"properties"`
	Coverage   map[string]carrierCovOut `json:"coverage"`
	NotSpot    string                   `json:"not_spot"`
	// Predicted is the status over every carrier (planning.PredictedStatus),
	// compared with Official, what the latest official list says (null
	// when it does not list the village); Agreement says how they stand.
	Predicted string       `json:"predicted_status"`
	Official  *officialOut `json:"official"`
	Agreement string       `json:"agreement"`
}

type carrierCovOut struct {
	Status   string   `json:"status"`
	LevelDBm *float64 `json:"level_dbm"`
}

func newGapVillageOut(v planning.GapVillage, vc planning.VillageComparison) gapVillageOut {
	o := gapVillageOut{ID: v.ZoneID, Name: v.Name, Category: v.Category, Centre: [2]float64{v.Centre[0], v.Centre[1]},
		Properties: v.Properties, Coverage: map[string]carrierCovOut{}, NotSpot: string(v.NotSpot),
		Predicted: string(vc.Predicted), Official: newOfficialOut(vc.Official), Agreement: string(vc.Agreement)}
	if o.Properties == nil {
		o.Properties = map[string]any{}
	}
	if v.HasPopulation {
		n := v.Population
		o.Population = &n
	}
	for mnc, cc := range v.Coverage {
		o.Coverage[mnc] = newCarrierCovOut(cc)
	}
	return o
}

func newCarrierCovOut(cc planning.CarrierCoverage) carrierCovOut {
	o := carrierCovOut{Status: string(cc.Status)}
	if !math.IsNaN(cc.LevelDBm) && !math.IsInf(cc.LevelDBm, 0) {
		l := math.Round(cc.LevelDBm*10) / 10
		o.LevelDBm = &l
	}
	return o
}

// GapVillagesFeatureCollection is the village map layer: each village's
// geometry with its source properties, to which it adds zone_id, name,
// category, population, coverage ({MNC: {status, level_dbm}}), not_spot,
// predicted_status, official ({status, date, list_version, line, name} or
// null) and agreement, from cmp (these win over source properties of the
// same name).
func GapVillagesFeatureCollection(vs []planning.GapVillage, cmp planning.OfficialComparison) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, v := range vs {
		g := v.Geometry
		if g == nil {
			g = v.Centre
		}
		f := geojson.NewFeature(g)
		for k, val := range v.Properties {
			f.Properties[k] = val
		}
		o := newGapVillageOut(v, cmp.Villages[v.ZoneID])
		f.Properties["zone_id"] = v.ZoneID
		f.Properties["name"] = v.Name
		f.Properties["category"] = v.Category
		f.Properties["population"] = o.Population
		f.Properties["coverage"] = o.Coverage
		f.Properties["not_spot"] = o.NotSpot
		f.Properties["predicted_status"] = o.Predicted
		f.Properties["official"] = o.Official
		f.Properties["agreement"] = o.Agreement
		fc.Append(f)
	}
	return fc
}

// GapAreasFeatureCollection is the gap map layer: one MultiPolygon per
// connected gap with its id and area_km2.
func GapAreasFeatureCollection(as []planning.GapArea) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, a := range as {
		f := geojson.NewFeature(a.Geometry)
		f.Properties["id"] = a.ID
		f.Properties["area_km2"] = math.Round(a.AreaKm2*1e4) / 1e4
		fc.Append(f)
	}
	return fc
}

// handleCancelGaps serves POST /v1/gap-analyses/{id}/cancel: a queued
// analysis never runs, a running one stops within moments (its worker
// records it cancelled). It answers the analysis as it then stands; one
// that is done, failed or cancelled already is 409.
func (s *server) handleCancelGaps() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.gapRoute(c)
		if err != nil {
			return err
		}
		if err := noBodyNoParams(c); err != nil {
			return err
		}
		a, err := svc.Cancel(c.Request.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, newGapOut(a))
		return nil
	}
}
