package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// Best-site searches: POST /v1/site-searches queues one (202), GET
// /v1/site-searches/{id} says where it stands, …/locations.geojson gives
// the chosen locations once done, and POST
// …/locations/{rank}/adopt submits one as the carrier's proposal.
//
// Who may do what (authz.go): a carrier searches for its own organization
// and reads its own carrier's searches only (another carrier's is 404, as
// one that does not exist); an analyst and an admin search for any carrier
// and read every search; only a carrier adopts, its own carrier's
// locations. Reviewers have no access: a search is a carrier's plan until
// it submits a location.

// searchRequest is the body of POST /v1/site-searches.
type searchRequest struct {
	AdminUnit  *string     `json:"admin_unit"`
	BBox       []float64   `json:"bbox"`
	VillageIDs []int64     `json:"village_ids"`
	Carrier    *string     `json:"carrier"`
	N          *int        `json:"n"`
	Structure  *string     `json:"structure"`
	HeightM    *float64    `json:"height_m"`
	Antennas   []antennaIn `json:"antennas"`
}

// params checks the request's form and returns the search parameters;
// ranges, carriers and the area are the service's to judge.
func (r searchRequest) params() (planning.SearchParams, error) {
	var p planning.SearchParams
	var errs []error
	if r.AdminUnit != nil {
		if *r.AdminUnit == "" {
			errs = append(errs, planning.FieldError(planning.FieldSearchAdminUnit, "empty: give an admin unit code"))
		}
		p.AdminUnit = *r.AdminUnit
	}
	if r.BBox != nil {
		if len(r.BBox) != 4 {
			errs = append(errs, malformed(planning.FieldSearchBBox, "want [west, south, east, north], got %d numbers", len(r.BBox)))
		} else {
			p.BBox = &orb.Bound{Min: orb.Point{r.BBox[0], r.BBox[1]}, Max: orb.Point{r.BBox[2], r.BBox[3]}}
		}
	}
	switch n := len(r.VillageIDs); {
	case r.VillageIDs != nil && n == 0:
		errs = append(errs, planning.FieldError(planning.FieldSearchVillageIDs, "empty: give at least one village id"))
	case n > planning.MaxSearchVillageIDs:
		// One error, not one per item: a 1 MiB body of zeros would
		// otherwise answer with half a million of them.
		errs = append(errs, planning.FieldError(planning.FieldSearchVillageIDs, "%d villages; at most %d", n, planning.MaxSearchVillageIDs))
	default:
		for i, id := range r.VillageIDs {
			if id < 1 {
				errs = append(errs, planning.FieldError(fmt.Sprintf("%s/%d", planning.FieldSearchVillageIDs, i), "%d is not a village id", id))
			}
		}
	}
	p.VillageIDs = r.VillageIDs
	if r.Carrier == nil || *r.Carrier == "" {
		errs = append(errs, planning.FieldError(planning.FieldSearchCarrier, "missing: the carrier's code (MNC), such as 452-04"))
	} else {
		p.Carrier = *r.Carrier
	}
	if r.N != nil {
		if *r.N == 0 {
			errs = append(errs, planning.FieldError(planning.FieldSearchN, "0 is outside 1..%d", planning.MaxSearchN))
		}
		p.N = *r.N
	}
	if r.Structure != nil {
		if *r.Structure == "" {
			errs = append(errs, planning.FieldError(planning.FieldSearchStructure, "empty: one of %v", planning.Structures))
		}
		p.Structure = planning.Structure(*r.Structure)
	}
	if r.HeightM != nil {
		if *r.HeightM == 0 {
			errs = append(errs, planning.FieldError(planning.FieldSearchHeight, "0 m is not a structure height"))
		}
		p.HeightM = *r.HeightM
	}
	antennas, err := decodeAntennas(r.Antennas, planning.FieldSearchAntennas)
	if err != nil {
		errs = append(errs, err)
	}
	p.Antennas = antennas
	return p, errors.Join(errs...)
}

func (s *server) searchService() (*planning.SiteSearchService, error) {
	if s.cfg.Search == nil {
		return nil, &planning.Error{Kind: planning.Unavailable, Err: errors.New("site searches are not configured")}
	}
	return s.cfg.Search, nil
}

// handleStartSearch serves POST /v1/site-searches.
func (s *server) handleStartSearch() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.searchService()
		if err != nil {
			return err
		}
		var in searchRequest
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		p, err := in.params()
		if err != nil {
			return err
		}
		ss, err := svc.Start(c.Request.Context(), principal(c), p)
		if err != nil {
			return err
		}
		out := newSearchOut(ss)
		c.Header("Location", out.Links.Self)
		writeJSON(c, http.StatusAccepted, contentTypeJSON, out)
		return nil
	}
}

// handleListSearches serves GET /v1/site-searches?limit=&offset=: the
// searches the caller may see (a carrier its own carrier's), newest first.
func (s *server) handleListSearches() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.searchService()
		if err != nil {
			return err
		}
		pg, err := listPage(c.Request.URL.Query())
		if err != nil {
			return err
		}
		ss, total, err := svc.Searches(c.Request.Context(), principal(c), pg)
		if err != nil {
			return err
		}
		writePage(c, pg, ss, total, newSearchOut)
		return nil
	}
}

// searchRoute reads what every route of one search needs: the service
// and the search id of the path.
func (s *server) searchRoute(c *gin.Context) (*planning.SiteSearchService, int64, error) {
	svc, err := s.searchService()
	if err != nil {
		return nil, 0, err
	}
	id, err := parseID("id", "site search id", c.Param("id"))
	return svc, id, err
}

// handleGetSearch serves GET /v1/site-searches/{id}.
func (s *server) handleGetSearch() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.searchRoute(c)
		if err != nil {
			return err
		}
		ss, err := svc.Search(c.Request.Context(), principal(c), id)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, newSearchOut(ss))
		return nil
	}
}

// handleSearchLocations serves GET /v1/site-searches/{id}/locations.geojson.
func (s *server) handleSearchLocations() handlerFunc {
	return func(c *gin.Context) error {
		l, err := queryLang(c)
		if err != nil {
			return err
		}
		svc, id, err := s.searchRoute(c)
		if err != nil {
			return err
		}
		ss, locs, err := svc.Locations(c.Request.Context(), principal(c), id)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, SearchLocationsFeatureCollection(ss, locs, l))
		return nil
	}
}

// handleAdoptLocation serves POST
// /v1/site-searches/{id}/locations/{rank}/adopt: the location's draft is
// submitted and assessed like POST /v1/proposals (201 with the proposal
// and its assessment; 409 when adopted already). It takes no body.
func (s *server) handleAdoptLocation() handlerFunc {
	return func(c *gin.Context) error {
		l, err := queryLang(c)
		if err != nil {
			return err
		}
		svc, id, err := s.searchRoute(c)
		if err != nil {
			return err
		}
		rank, err := parseInt("rank", c.Param("rank"), 1, planning.MaxSearchN)
		if err != nil {
			return err
		}
		if c.Request.ContentLength > 0 {
			return malformed("", "this action takes no body")
		}
		res, err := svc.Adopt(c.Request.Context(), principal(c), id, rank, planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return err
		}
		s.metrics.countAssessment("submit", res.Assessment.Verdict)
		c.Header("Location", newProposalLinks(res.Proposal.ID).Self)
		writeJSON(c, http.StatusCreated, contentTypeJSON, proposalCreated{
			ID:         res.Proposal.ID,
			Proposal:   proposalFeature(res.Proposal),
			Assessment: newAssessmentOut(res.Assessment, l),
		})
		return nil
	}
}

// searchOut is a site search on the wire.
type searchOut struct {
	ID        int64           `json:"id"`
	JobID     int64           `json:"job_id,omitempty"`
	State     string          `json:"state"`
	Progress  progressOut     `json:"progress"`
	Params    searchParamsOut `json:"params"`
	Result    *searchResult   `json:"result,omitempty"`
	Method    string          `json:"method"`
	Error     string          `json:"error,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	DoneAt    *time.Time      `json:"done_at,omitempty"`
	Links     searchLinks     `json:"links"`
}

type searchParamsOut struct {
	AdminUnit   string       `json:"admin_unit,omitempty"`
	BBox        []float64    `json:"bbox,omitempty"`
	VillageIDs  []int64      `json:"village_ids,omitempty"`
	Carrier     string       `json:"carrier"`
	N           int          `json:"n"`
	Structure   string       `json:"structure"`
	HeightM     float64      `json:"height_m"`
	Antennas    []antennaOut `json:"antennas"`
	RequestedBy string       `json:"requested_by,omitempty"`
}

func newAntennasOut(as []planning.Antenna) []antennaOut {
	out := make([]antennaOut, len(as))
	for i, a := range as {
		out[i] = antennaOut(a)
	}
	return out
}

// searchResult is the summary of a done search.
type searchResult struct {
	Locations       int            `json:"locations"`
	CoveredPeople   int            `json:"covered_people"`
	CoveredVillages int            `json:"covered_villages"`
	Villages        int            `json:"villages"`
	Targets         int            `json:"target_villages"`
	TargetPeople    int            `json:"target_people"`
	TargetsFrom     string         `json:"targets_from"`
	GapAnalysisID   int64          `json:"gap_analysis_id,omitempty"`
	Coverages       int            `json:"carrier_coverages,omitempty"`
	Candidates      map[string]int `json:"candidates"`
	Reaching        int            `json:"candidates_reaching"`
	ZoningChecked   int            `json:"zoning_checked"`
	ZoningConflicts int            `json:"zoning_conflicts"`
	ZoningUnchecked int            `json:"zoning_unchecked"`
	Radio           searchRadioOut `json:"radio"`
	Guarantee       string         `json:"guarantee"`
	ElapsedMS       int64          `json:"elapsed_ms"`
}

type searchRadioOut struct {
	Province             string  `json:"province"`
	RadioDefaultsVersion string  `json:"radio_defaults_version"`
	Technology           string  `json:"technology"`
	BandMHz              float64 `json:"band_mhz"`
	ThresholdDBm         float64 `json:"threshold_dbm"`
	DEMVersion           string  `json:"dem_version"`
}

type searchLinks struct {
	Self             string `json:"self"`
	LocationsGeoJSON string `json:"locations_geojson"`
}

// searchMethod says in a sentence how a search chooses.
const searchMethod = "candidates: existing towers tall enough to share, DEM peaks and ridges, points beside roads and power lines; " +
	"each candidate's level at each uncovered village centre by ITM point to point over the DEM (no raster); " +
	"then " + planning.SearchGuarantee + "; a candidate whose zoning check is CONFLICT is never chosen"

func newSearchOut(ss planning.SiteSearch) searchOut {
	self := fmt.Sprintf("/v1/site-searches/%d", ss.ID)
	p := ss.Params
	out := searchOut{
		ID: ss.ID, JobID: ss.JobID, State: string(ss.State),
		Progress:  progressOut{Done: ss.Progress.Done, Total: ss.Progress.Total, Fraction: ss.Progress.Fraction()},
		Method:    searchMethod,
		Error:     ss.Error,
		CreatedAt: ss.CreatedAt,
		Links:     searchLinks{Self: self, LocationsGeoJSON: self + "/locations.geojson"},
		Params: searchParamsOut{AdminUnit: p.AdminUnit, VillageIDs: p.VillageIDs, Carrier: p.Carrier, N: p.N,
			Structure: string(p.Structure), HeightM: p.HeightM, Antennas: newAntennasOut(p.Antennas), RequestedBy: p.RequestedBy},
	}
	if b := p.BBox; b != nil {
		out.Params.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if ss.State == planning.JobDone {
		out.Progress.Fraction = 1
		if !ss.DoneAt.IsZero() {
			t := ss.DoneAt
			out.DoneAt = &t
		}
		k := ss.Counts
		r := &searchResult{Locations: k.Locations, CoveredPeople: k.CoveredPeople, CoveredVillages: k.CoveredVillages,
			Villages: k.Villages, Targets: k.Targets, TargetPeople: k.TargetPeople, TargetsFrom: k.TargetsFrom,
			GapAnalysisID: k.GapAnalysisID, Coverages: k.CarrierCoverages, Candidates: map[string]int{},
			Reaching: k.Reaching, ZoningChecked: k.ZoningChecked, ZoningConflicts: k.ZoningConflicts, ZoningUnchecked: k.ZoningUnchecked,
			Radio: searchRadioOut{Province: k.Province, RadioDefaultsVersion: k.RadioDefaultsVersion, Technology: k.Technology,
				BandMHz: k.BandMHz, ThresholdDBm: k.ThresholdDBm, DEMVersion: k.DEMVersion},
			Guarantee: planning.SearchGuarantee, ElapsedMS: k.ElapsedMS}
		for _, kind := range planning.CandidateKinds {
			r.Candidates[string(kind)] = k.Candidates[kind]
		}
		out.Result = r
	}
	return out
}

// searchVillageOut is a village a location newly covers.
type searchVillageOut struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Category   string   `json:"category"`
	Population *int     `json:"population"`
	LevelDBm   *float64 `json:"level_dbm"`
}

// searchFindingOut is a CONDITIONAL finding of a location's zoning check.
type searchFindingOut struct {
	RuleID      string  `json:"rule_id"`
	Authority   string  `json:"authority"`
	Layer       string  `json:"layer"`
	FeatureID   int64   `json:"feature_id"`
	FeatureName string  `json:"feature_name"`
	Category    string  `json:"category"`
	DistanceM   float64 `json:"distance_m"`
	LimitM      float64 `json:"limit_m"`
	LegalBasis  string  `json:"legal_basis"`
	Message     string  `json:"message"`
	Messages    textOut `json:"messages"`
}

// SearchLocationsFeatureCollection is the map layer of a done search: one
// Point per location, best first, with rank, site_code, candidate_kind
// (and candidate: ground, relief, the tower shared), marginal_people,
// villages ({id, name, category, population, level_dbm}),
// cumulative_people, cumulative_villages, verdict, conditional_findings,
// the draft's structure, height_m and antennas, case_id, proposal_id
// (null until adopted) and the adopt link. The collection names the
// search and the method's guarantee.
func SearchLocationsFeatureCollection(ss planning.SiteSearch, locs []planning.SearchLocation, l lang) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	fc.ExtraMembers = geojson.Properties{"search": ss.ID, "carrier": ss.Params.Carrier, "guarantee": planning.SearchGuarantee,
		"covered_people": ss.Counts.CoveredPeople, "targets_from": ss.Counts.TargetsFrom}
	for _, loc := range locs {
		f := geojson.NewFeature(loc.Site.Location)
		c := loc.Candidate
		var ground any
		if g := finiteOrNull(c.GroundM); g != nil {
			ground = math.Round(*g*10) / 10
		}
		cand := map[string]any{"ground_m": ground}
		if c.Kind == planning.CandidatePeak || c.Kind == planning.CandidateRidge {
			cand["relief_m"] = math.Round(c.ReliefM*10) / 10
		}
		if c.Name != "" {
			cand["name"] = c.Name
		}
		if c.Kind == planning.CandidateTower {
			cand["tower_carrier"], cand["tower_code"], cand["tower_height_m"] = c.TowerCarrier, c.TowerCode, c.TowerHeightM
		}
		vs := make([]searchVillageOut, len(loc.Villages))
		for i, v := range loc.Villages {
			vs[i] = searchVillageOut{ID: v.ZoneID, Name: v.Name, Category: v.Category}
			if v.HasPopulation {
				n := v.Population
				vs[i].Population = &n
			}
			if lv := finiteOrNull(v.LevelDBm); lv != nil {
				r := math.Round(*lv*10) / 10
				vs[i].LevelDBm = &r
			}
		}
		fs := make([]searchFindingOut, len(loc.Findings))
		for i, fd := range loc.Findings {
			fs[i] = searchFindingOut{RuleID: fd.RuleID, Authority: fd.Authority, Layer: fd.Layer, FeatureID: fd.FeatureID,
				FeatureName: fd.FeatureName, Category: fd.Category, DistanceM: round2(fd.DistanceM), LimitM: round2(fd.LimitM),
				LegalBasis: fd.LegalBasis, Message: l.pick(fd.Message), Messages: textOut{VI: fd.Message.VI, EN: fd.Message.EN}}
		}
		var proposal any
		if loc.ProposalID != 0 {
			proposal = loc.ProposalID
		}
		var caseID any
		if loc.CaseID != 0 {
			caseID = loc.CaseID
		}
		f.Properties["rank"] = loc.Rank
		f.Properties["site_code"] = loc.Site.Code
		f.Properties["carrier"] = loc.Site.Carrier
		f.Properties["candidate_kind"] = string(c.Kind)
		f.Properties["candidate"] = cand
		f.Properties["marginal_people"] = loc.MarginalPeople
		f.Properties["villages"] = vs
		f.Properties["cumulative_people"] = loc.CumulativePeople
		f.Properties["cumulative_villages"] = loc.CumulativeVillages
		f.Properties["verdict"] = string(loc.Verdict)
		f.Properties["conditional_findings"] = fs
		f.Properties["province"] = loc.Province
		f.Properties["admin_unit"] = loc.AdminUnit
		f.Properties["structure"] = string(loc.Site.Structure)
		f.Properties["height_m"] = loc.Site.HeightM
		f.Properties["antennas"] = newAntennasOut(loc.Site.Antennas)
		f.Properties["case_id"] = caseID
		f.Properties["proposal_id"] = proposal
		f.Properties["adopt"] = fmt.Sprintf("/v1/site-searches/%d/locations/%s/adopt", ss.ID, strconv.Itoa(loc.Rank))
		fc.Append(f)
	}
	return fc
}

func finiteOrNull(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// handleCancelSearch serves POST /v1/site-searches/{id}/cancel, as
// handleCancelGaps does for an analysis; another carrier's search is 404.
func (s *server) handleCancelSearch() handlerFunc {
	return func(c *gin.Context) error {
		svc, id, err := s.searchRoute(c)
		if err != nil {
			return err
		}
		if err := noBodyNoParams(c); err != nil {
			return err
		}
		ss, err := svc.Cancel(c.Request.Context(), principal(c), id)
		if err != nil {
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, newSearchOut(ss))
		return nil
	}
}
