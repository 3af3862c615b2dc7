package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/geo/coverage"
	"btsplan/planning"
)

// coverageRequest is the body of POST /v1/coverage. Absent radio members,
// the receiver height and the threshold take the one radio configuration
// (planning.RadioDefaults, the national one: the request names no
// province); other zero members the engine's defaults (see geo/coverage
// Params and Options).
type coverageRequest struct {
	Site    *coverageSiteIn    `json:"site"`
	Sectors []coverageSectorIn `json:"sectors"`
	Options coverageOptionsIn  `json:"options"`
}

type coverageSiteIn struct {
	Location       []float64 `json:"location"` // [lon, lat], EPSG:4326
	HeightM        float64   `json:"height_m"`
	RxHeightM      float64   `json:"rx_height_m"`
	FreqMHz        float64   `json:"freq_mhz"`
	Technology     string    `json:"technology"`
	ThresholdDBm   float64   `json:"threshold_dbm"`
	ResourceBlocks int       `json:"resource_blocks"`
	PilotShareDB   float64   `json:"pilot_share_db"`
}

type coverageSectorIn struct {
	AzimuthDeg    float64 `json:"azimuth_deg"`
	MechTiltDeg   float64 `json:"mech_tilt_deg"`
	ElecTiltDeg   float64 `json:"elec_tilt_deg"`
	GainDBi       float64 `json:"gain_dbi"`
	HBeamwidthDeg float64 `json:"hbw_deg"`
	VBeamwidthDeg float64 `json:"vbw_deg"`
	FrontToBackDB float64 `json:"front_to_back_db"`
	SideLobeDB    float64 `json:"side_lobe_db"`
	EIRPdBm       float64 `json:"eirp_dbm"`
	TxPowerDBm    float64 `json:"tx_power_dbm"`
	LossesDB      float64 `json:"losses_db"`
}

type coverageOptionsIn struct {
	RadiusM      float64  `json:"radius_m"`
	CellArcSec   float64  `json:"cell_arcsec"`
	ProfileStepM float64  `json:"profile_step_m"`
	Radio        *radioIn `json:"radio"`
	// TerrainSampling is "bilinear" (the default, ITU-R P.1144) or
	// "nearest" (SPLAT!'s and Signal-Server's).
	TerrainSampling string `json:"terrain_sampling"`
}

// radioIn overrides members of the radio defaults' environment
// (planning.RadioDefaults.Radio); absent ones keep it.
type radioIn struct {
	Climate      *int     `json:"climate"`
	N0           *float64 `json:"n0"`
	Epsilon      *float64 `json:"epsilon"`
	SigmaSPerM   *float64 `json:"sigma_s_per_m"`
	Polarization *string  `json:"polarization"` // "vertical" or "horizontal"
	MDVar        *int     `json:"mdvar"`
	TimePct      *float64 `json:"time_pct"`
	LocationPct  *float64 `json:"location_pct"`
	SituationPct *float64 `json:"situation_pct"`
}

// params converts the body into the engine's inputs. The engine checks
// the ranges and the budget (Hash, CheckBudget, Compute); here only the
// shape, and the sector count before any sector is converted. defs gives
// what the request does not.
func (in *coverageRequest) params(defs planning.RadioDefaults) (coverage.Params, coverage.Options, error) {
	var p coverage.Params
	var o coverage.Options
	if in.Site == nil {
		return p, o, planning.FieldError("/site", "missing: give the site's location, height and frequency")
	}
	st := in.Site
	if len(st.Location) != 2 {
		return p, o, planning.FieldError("/site/location", "want [lon, lat], got %d numbers", len(st.Location))
	}
	if len(in.Sectors) > coverage.MaxSectors {
		return p, o, planning.FieldError("/sectors", "%d sectors is over the limit of %d per coverage; sectors on other bands are separate coverages",
			len(in.Sectors), coverage.MaxSectors)
	}
	p = coverage.Params{
		Location:       orb.Point{st.Location[0], st.Location[1]},
		HeightM:        st.HeightM,
		RxHeightM:      st.RxHeightM,
		FreqMHz:        st.FreqMHz,
		Technology:     coverage.Technology(strings.ToUpper(strings.TrimSpace(st.Technology))),
		ThresholdDBm:   st.ThresholdDBm,
		ResourceBlocks: st.ResourceBlocks,
		PilotShareDB:   st.PilotShareDB,
	}
	for _, s := range in.Sectors {
		p.Sectors = append(p.Sectors, coverage.Sector{
			AzimuthDeg: s.AzimuthDeg, MechTiltDeg: s.MechTiltDeg, ElecTiltDeg: s.ElecTiltDeg, GainDBi: s.GainDBi,
			HBeamwidthDeg: s.HBeamwidthDeg, VBeamwidthDeg: s.VBeamwidthDeg, FrontToBackDB: s.FrontToBackDB, SideLobeDB: s.SideLobeDB,
			EIRPdBm: s.EIRPdBm, TxPowerDBm: s.TxPowerDBm, LossesDB: s.LossesDB,
		})
	}
	if p.RxHeightM == 0 {
		p.RxHeightM = defs.RxHeightM
	}
	if td, ok := defs.Tech(string(p.Technology)); ok && p.ThresholdDBm == 0 {
		p.ThresholdDBm = td.ThresholdDBm
	}
	o = coverage.Options{RadiusM: in.Options.RadiusM, CellArcSec: in.Options.CellArcSec, ProfileStepM: in.Options.ProfileStepM,
		TerrainSampling: coverage.TerrainSampling(in.Options.TerrainSampling)}
	p.Radio = defs.Radio()
	if r := in.Options.Radio; r != nil {
		set := func(dst *float64, v *float64) {
			if v != nil {
				*dst = *v
			}
		}
		if r.Climate != nil {
			p.Radio.Climate = *r.Climate
		}
		if r.MDVar != nil {
			p.Radio.MDVar = *r.MDVar
		}
		set(&p.Radio.N0, r.N0)
		set(&p.Radio.Epsilon, r.Epsilon)
		set(&p.Radio.SigmaSPerM, r.SigmaSPerM)
		set(&p.Radio.TimePct, r.TimePct)
		set(&p.Radio.LocationPct, r.LocationPct)
		set(&p.Radio.SituationPct, r.SituationPct)
		if r.Polarization != nil {
			pol, ok := coverage.ParsePolarization(strings.ToLower(*r.Polarization))
			if !ok {
				return p, o, planning.FieldError("/options/radio/polarization", "%q: want vertical or horizontal", *r.Polarization)
			}
			p.Radio.Polarization = pol
		}
	}
	return p, o, nil
}

// coveragePointer returns the JSON pointer into the body of
// POST /v1/coverage of an engine input's wire path (coverage.Field*):
// the body uses the same names, grouped under site, sectors and options.
func coveragePointer(field string) string {
	top, _, _ := strings.Cut(field, "/")
	switch top {
	case coverage.FieldDEM:
		return "/site/location" // no DEM where the site is
	case coverage.FieldLocation, coverage.FieldHeightM, coverage.FieldRxHeightM, coverage.FieldFreqMHz,
		coverage.FieldTechnology, coverage.FieldThresholdDBm, coverage.FieldResourceBlocks, coverage.FieldPilotShareDB:
		return "/site/" + field
	case coverage.FieldSectors:
		return "/" + field
	case coverage.FieldRadiusM, coverage.FieldCellArcSec, coverage.FieldProfileStepM,
		coverage.FieldTerrainSampling, coverage.FieldRadio:
		return "/options/" + field
	}
	return field
}

// wireCoverageError renames the field of an Invalid error from the
// engine's terms to a JSON pointer into the request body. A request over
// the coverage budget names every member that sets the cost; a full
// coverage queue is a 503 that says so, with its Retry-After.
func wireCoverageError(c *gin.Context, err error) error {
	var busy *planning.BusyError
	if errors.As(err, &busy) {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(busy.RetryAfter.Seconds()))))
		return &httpError{status: http.StatusServiceUnavailable, msg: busy.Error()}
	}
	var pe *planning.Error
	if planning.KindOf(err) != planning.Invalid || !errors.As(err, &pe) || pe.Field == "" {
		return err
	}
	var be *coverage.BudgetError
	if errors.As(err, &be) {
		return newBudgetProblem(be)
	}
	cp := *pe
	cp.Field = coveragePointer(pe.Field)
	return &cp
}

// budgetProblem is a request over the coverage budget: one reason, and an
// Invalid error for each member of the body that sets the cost, so that
// the problem's "errors" lists them all.
type budgetProblem struct {
	reason string
	fields []error
}

func newBudgetProblem(be *coverage.BudgetError) error {
	var names []string
	for _, f := range be.Fields {
		ptr := coveragePointer(f)
		names = append(names, ptr[strings.LastIndexByte(ptr, '/')+1:])
	}
	bp := &budgetProblem{reason: fmt.Sprintf("%s (the budget is set by %s)", be.Error(), strings.Join(names, ", "))}
	for _, f := range be.Fields {
		bp.fields = append(bp.fields, &planning.Error{Kind: planning.Invalid, Field: coveragePointer(f), Err: errors.New(bp.reason)})
	}
	return &planning.Error{Kind: planning.Invalid, Err: bp}
}

func (e *budgetProblem) Error() string   { return e.reason }
func (e *budgetProblem) Unwrap() []error { return e.fields }

// coverageLinks are the resources of one coverage.
type coverageLinks struct {
	Self     string `json:"self"`
	GeoJSON  string `json:"geojson"`
	GeoTIFF  string `json:"geotiff"`
	PNG      string `json:"png"`
	Legend   string `json:"legend"`
	Proposal string `json:"proposal,omitempty"`
}

func newCoverageLinks(id, proposalID int64) coverageLinks {
	self := fmt.Sprintf("/v1/coverage/%d", id)
	l := coverageLinks{Self: self, GeoJSON: self + ".geojson", GeoTIFF: self + ".tif", PNG: self + ".png", Legend: self + "/legend.png"}
	if proposalID > 0 {
		l.Proposal = fmt.Sprintf("/v1/proposals/%d", proposalID)
	}
	return l
}

// CoverageJSON is a coverage on the wire: the body of POST /v1/coverage
// and GET /v1/coverage/{id}, and the summary `btsplan coverage` prints.
// A coverage that was not stored (ID 0, the command without --store) has
// no id, created_at or links.
type CoverageJSON struct {
	ID           int64               `json:"id,omitempty"` // 0: not stored
	InputHash    string              `json:"input_hash"`
	Cached       bool                `json:"cached"`
	Model        string              `json:"model"`
	DEMVersion   string              `json:"dem_version"`
	Metric       string              `json:"metric"`
	ThresholdDBm float64             `json:"threshold_dbm"`
	AreaKm2      float64             `json:"area_km2"`
	CoveredCells int                 `json:"covered_cells"`
	CellArcSec   float64             `json:"cell_arcsec"`
	BBox         [4]float64          `json:"bbox"` // of the raster: west, south, east, north
	Limits       coverage.LimitsJSON `json:"limits"`
	Inputs       coverage.Inputs     `json:"inputs"` // coverage.Inputs.MarshalJSON: the one wire form
	ElapsedMS    int64               `json:"elapsed_ms,omitempty"`
	CreatedAt    *time.Time          `json:"created_at,omitempty"`
	Links        *coverageLinks      `json:"links,omitempty"`
}

// NewCoverageJSON returns c on the wire.
func NewCoverageJSON(c planning.Coverage) CoverageJSON { return newCoverageOut(c, 0) }

func newCoverageOut(c planning.Coverage, proposalID int64) CoverageJSON {
	out := CoverageJSON{
		ID:           c.ID,
		InputHash:    c.InputHash,
		Cached:       c.Cached,
		Model:        c.Model,
		DEMVersion:   c.DEMVersion,
		Metric:       string(c.Metric),
		ThresholdDBm: c.ThresholdDBm,
		AreaKm2:      round3(c.AreaKm2),
		CoveredCells: c.CoveredCells,
		CellArcSec:   c.CellArcSec,
		BBox:         [4]float64{c.Bound.Min[0], c.Bound.Min[1], c.Bound.Max[0], c.Bound.Max[1]},
		Limits:       c.Limits.JSON(),
		Inputs:       c.Inputs,
		ElapsedMS:    c.ElapsedMS,
	}
	if c.ID > 0 {
		created := c.CreatedAt.UTC()
		links := newCoverageLinks(c.ID, proposalID)
		out.CreatedAt, out.Links = &created, &links
	}
	return out
}

// round3 rounds an area in km² to 1000 m², far below a cell's.
func round3(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	// One division of an integer-valued float prints as the shortest
	// decimal; dividing an already rounded value again would not.
	return math.Round(v*1000) / 1000
}

// CoverageFeatureCollection is the covered area of c as GeoJSON (RFC
// 7946): one Feature whose geometry is the MultiPolygon (empty when
// nothing is covered) and whose properties summarise the result. It is
// what GET /v1/coverage/{id}.geojson serves and what `btsplan coverage
// --out-geojson` writes; a coverage that was not stored (c.ID 0) has no
// id and no links.
func CoverageFeatureCollection(c planning.Coverage) *geojson.FeatureCollection {
	mp := c.Covered
	if mp == nil {
		mp = orb.MultiPolygon{}
	}
	f := geojson.NewFeature(mp)
	f.Properties = geojson.Properties{
		"area_km2":      round3(c.AreaKm2),
		"metric":        string(c.Metric),
		"threshold_dbm": c.ThresholdDBm,
		"input_hash":    c.InputHash,
		"dem_version":   c.DEMVersion,
		"model":         c.Model,
	}
	if c.ID > 0 {
		f.ID = c.ID
		l := newCoverageLinks(c.ID, 0)
		f.Properties["coverage_id"] = c.ID
		f.Properties["self"] = l.Self
		f.Properties["geotiff"] = l.GeoTIFF
		f.Properties["png"] = l.PNG
	}
	fc := geojson.NewFeatureCollection()
	fc.Append(f)
	return fc
}
