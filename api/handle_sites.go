package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// The existing networks: POST /v1/sites imports an OpenCelliD CSV or a
// GeoJSON FeatureCollection of sites as a new network version; GET
// /v1/sites lists the sites of the current networks as GeoJSON.

// siteImportParams are the query parameters of POST /v1/sites.
var siteImportParams = []string{"format", "name", "source", "licence", "province", "group_distance_m", "allow_outside_dem"}

// Limits of GET /v1/sites.
const (
	defaultSiteLimit = 10000
	maxSiteLimit     = 50000
)

// handleImportSites serves POST /v1/sites?format=opencellid|geojson&name=…:
// one import, one transaction; a bad row or feature is a 4xx problem
// naming its line ("line 7") or JSON pointer ("/features/3/properties/
// carrier") and nothing is stored.
func (s *server) handleImportSites() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Networks == nil {
			return &planning.Error{Kind: planning.Unavailable, Err: errors.New("networks are not configured")}
		}
		spec, err := siteImportSpec(c.Request.URL.Query())
		if err != nil {
			return err
		}
		if err := checkSitesContentType(c, spec.Format); err != nil {
			return err
		}
		// A network is held in memory while it is grouped and checked, so
		// its body has a bound of its own, below the streamed layers'.
		limit := min(s.cfg.MaxLayerBytes, maxSitesBytes)
		if c.Request.ContentLength > limit {
			return tooLarge(limit)
		}
		body := &limitedBody{r: http.MaxBytesReader(c.Writer, c.Request.Body, limit)}
		ctx := c.Request.Context()
		var rep planning.NetworkReport
		switch spec.Format {
		case planning.FormatOpenCelliD:
			rep, err = s.cfg.Networks.ImportOpenCelliD(ctx, spec, bufio.NewReaderSize(body, 64<<10))
		default:
			var in []planning.SiteInput
			in, err = decodeSitesGeoJSON(body)
			if err == nil {
				rep, err = s.cfg.Networks.ImportSites(ctx, spec, in, nil)
			}
		}
		switch {
		case body.over:
			return tooLarge(limit)
		case err != nil && planning.KindOf(err) == planning.Invalid && onlyFields(err, siteImportParams):
			return &planning.Error{Kind: planning.Invalid, Err: fmt.Errorf("%w: %w", errMalformed, err)}
		case err != nil:
			return err
		}
		c.Header("Location", fmt.Sprintf("/v1/sites?network=%s&version=%d", url.QueryEscape(rep.Network.Name), rep.Network.Version))
		writeJSON(c, http.StatusCreated, contentTypeJSON, newSiteImportOut(rep))
		return nil
	}
}

// siteImportSpec reads the import options; their form is checked here,
// their values by the service.
func siteImportSpec(q url.Values) (planning.NetworkSpec, error) {
	spec := planning.NetworkSpec{
		Format:   q.Get("format"),
		Name:     q.Get("name"),
		Source:   q.Get("source"),
		Licence:  q.Get("licence"),
		Province: q.Get("province"),
	}
	var errs []error
	for _, name := range siteImportParams {
		if len(q[name]) > 1 {
			errs = append(errs, malformed(name, "given %d times", len(q[name])))
		}
	}
	switch spec.Format {
	case planning.FormatOpenCelliD, planning.FormatGeoJSON:
	case "":
		errs = append(errs, malformed("format", "missing: one of %s", strings.Join(planning.NetworkFormats, ", ")))
	default:
		errs = append(errs, malformed("format", "%q is not one of %s", spec.Format, strings.Join(planning.NetworkFormats, ", ")))
	}
	if spec.Name == "" {
		spec.Name = spec.Format
	}
	if v := q.Get("group_distance_m"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			errs = append(errs, malformed("group_distance_m", "%q is not a number of metres", v))
		}
		if spec.Format != planning.FormatOpenCelliD {
			errs = append(errs, malformed("group_distance_m", "only an OpenCelliD import groups cells into sites"))
		}
		spec.GroupDistanceM = f
	}
	if v := q.Get("allow_outside_dem"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, malformed("allow_outside_dem", "%q is not true or false", v))
		}
		spec.AllowOutsideDEM = b
	}
	if len(errs) > 0 {
		return spec, &planning.Error{Op: "import sites", Kind: planning.Invalid, Err: errors.Join(errs...)}
	}
	return spec, nil
}

// checkSitesContentType accepts a CSV body as checkCSVContentType does,
// a GeoJSON body as JSON types.
func checkSitesContentType(c *gin.Context, format string) error {
	if format == planning.FormatGeoJSON {
		return checkJSONContentType(c)
	}
	return checkCSVContentType(c, "an OpenCelliD import")
}

// siteImportOut is the body of 201 after an import.
type siteImportOut struct {
	Network       networkOut     `json:"network"`
	Sites         int            `json:"sites"`
	Cells         int            `json:"cells"`
	Skipped       []skippedOut   `json:"skipped"`
	OutsideDEM    []string       `json:"outside_dem"`
	AssumedValues map[string]int `json:"assumed_values"`
}

type networkOut struct {
	ID              int64        `json:"id"`
	Name            string       `json:"name"`
	Version         int          `json:"version"`
	Current         bool         `json:"current"`
	Format          string       `json:"format"`
	Source          string       `json:"source"`
	Licence         string       `json:"licence"`
	Province        string       `json:"province"`
	DefaultsVersion string       `json:"defaults_version"`
	GroupDistanceM  *float64     `json:"group_distance_m,omitempty"`
	ImportedAt      string       `json:"imported_at"`
	SiteCount       int          `json:"site_count"`
	CellCount       int          `json:"cell_count"`
	Skipped         []skippedOut `json:"skipped"`
}

type skippedOut struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func skippedList(rs []planning.SkippedRow) []skippedOut {
	out := make([]skippedOut, 0, len(rs))
	for _, r := range rs {
		out = append(out, skippedOut(r))
	}
	return out
}

func newNetworkOut(n planning.Network) networkOut {
	out := networkOut{ID: n.ID, Name: n.Name, Version: n.Version, Current: n.Current, Format: n.Format,
		Source: n.Source, Licence: n.Licence, Province: n.Province, DefaultsVersion: n.DefaultsVersion,
		ImportedAt: n.ImportedAt.UTC().Format("2006-01-02T15:04:05Z"), SiteCount: n.SiteCount, CellCount: n.CellCount,
		Skipped: skippedList(n.Skipped)}
	if n.GroupDistanceM > 0 {
		g := n.GroupDistanceM
		out.GroupDistanceM = &g
	}
	return out
}

func newSiteImportOut(rep planning.NetworkReport) siteImportOut {
	out := siteImportOut{Network: newNetworkOut(rep.Network), Sites: rep.Sites, Cells: rep.Cells,
		Skipped: skippedList(rep.Skipped), OutsideDEM: rep.OutsideDEM, AssumedValues: rep.AssumedValues}
	if out.OutsideDEM == nil {
		out.OutsideDEM = []string{}
	}
	if out.AssumedValues == nil {
		out.AssumedValues = map[string]int{}
	}
	return out
}

// handleListSites serves GET /v1/sites?network=&version=&carrier=&bbox=&limit=:
// the sites of the current networks (or of one network version) as a
// GeoJSON FeatureCollection. Each feature carries the source's properties
// and, on the site and on each antenna, the names of the assumed values.
func (s *server) handleListSites() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Networks == nil {
			return &planning.Error{Kind: planning.Unavailable, Err: errors.New("networks are not configured")}
		}
		q := c.Request.URL.Query()
		f := planning.SiteFilter{Network: q.Get("network"), Carrier: q.Get("carrier"), Limit: defaultSiteLimit}
		if v := q.Get("version"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return malformed("version", "version %q: want a positive integer", v)
			}
			if f.Network == "" {
				return malformed("version", "a version needs a network")
			}
			f.Version = n
		}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxSiteLimit {
				return malformed("limit", "limit %q: want an integer in 1..%d", v, maxSiteLimit)
			}
			f.Limit = n
		}
		if v, ok := q["bbox"]; ok {
			b, err := parseBBox(v[0])
			if err != nil {
				return err
			}
			f.BBox = b
		}
		sites, err := s.cfg.Networks.Sites(c.Request.Context(), f)
		if err != nil {
			return fmt.Errorf("list sites: %w", err)
		}
		fc := geojson.NewFeatureCollection()
		for _, site := range sites {
			fc.Append(siteFeature(site))
		}
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, fc)
		return nil
	}
}

// siteFeature is an existing site in the shape it was imported in.
func siteFeature(site planning.ExistingSite) *geojson.Feature {
	f := geojson.NewFeature(site.Location)
	f.ID = site.ID
	antennas := make([]map[string]any, 0, len(site.Cells))
	for _, c := range site.Cells {
		antennas = append(antennas, map[string]any{
			"technology":        c.Technology,
			"band_mhz":          c.BandMHz,
			"azimuth_deg":       c.AzimuthDeg,
			"tilt_deg":          c.TiltDeg,
			"eirp_dbm":          c.EIRPdBm,
			"gain_dbi":          c.GainDBi,
			"h_beamwidth_deg":   c.HBeamwidthDeg,
			"v_beamwidth_deg":   c.VBeamwidthDeg,
			"omni":              c.Omni,
			"assumed":           nonNil(c.Assumed),
			"source_properties": nonNilMap(c.Properties),
		})
	}
	f.Properties = geojson.Properties{
		"id":                site.ID,
		"network_id":        site.NetworkID,
		"carrier":           site.Carrier,
		"site_code":         site.Code,
		"height_m":          site.HeightM,
		"assumed":           nonNil(site.Assumed),
		"source_properties": nonNilMap(site.Properties),
		"antennas":          antennas,
	}
	return f
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// The GeoJSON site import. Its site shape is a proposal's (see
// wire_site.go) with optional radio values; it has its own decoder
// because every radio value is optional here (absent means assumed) and
// every member the import does not know is kept as a source property.
// TODO(#9): share one antenna wire type with wire_site.go.

// siteKnown and antennaKnown are the members the import reads; every
// other member is kept as a source property.
var (
	siteKnown    = []string{"carrier", "site_code", "height_m", "antennas"}
	antennaKnown = []string{"technology", "band_mhz", "azimuth_deg", "tilt_deg", "eirp_dbm", "gain_dbi",
		"h_beamwidth_deg", "v_beamwidth_deg", "omni"}
)

// maxSitesBytes bounds a network import's body: maxSitesFeatures cells as
// OpenCelliD rows of about 100 bytes are 50 MB.
const maxSitesBytes = 128 << 20

// maxSitesFeatures bounds the features of one network import: every base
// station of Vietnam's carriers together is some 150,000 sites.
const maxSitesFeatures = 500_000

// decodeSitesGeoJSON reads a FeatureCollection of Point sites. Errors are
// Invalid and name the member by its JSON pointer.
func decodeSitesGeoJSON(r io.Reader) ([]planning.SiteInput, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, malformed("", "read body: %v", err)
	}
	var doc struct {
		Type     *string           `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := checkJSONArrays(body, maxSitesFeatures); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, malformed("", "not JSON: %v", err)
	}
	switch {
	case doc.Type == nil:
		return nil, planning.FieldError("/type", "missing: the body must be a GeoJSON FeatureCollection")
	case *doc.Type != "FeatureCollection":
		return nil, planning.FieldError("/type", "is %q: the body must be a GeoJSON FeatureCollection", *doc.Type)
	case len(doc.Features) == 0:
		return nil, planning.FieldError("/features", "the FeatureCollection has no features")
	}
	var errs []error
	out := make([]planning.SiteInput, 0, len(doc.Features))
	for i, raw := range doc.Features {
		if len(errs) >= 50 {
			break
		}
		in, err := decodeSiteFeature(raw, fmt.Sprintf("/features/%d", i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, in)
	}
	if len(errs) > 0 {
		return nil, &planning.Error{Op: "import sites", Kind: planning.Invalid, Err: errors.Join(errs...)}
	}
	return out, nil
}

func decodeSiteFeature(raw json.RawMessage, ref string) (planning.SiteInput, error) {
	in := planning.SiteInput{Ref: ref}
	var f struct {
		Type     *string `json:"type"`
		Geometry *struct {
			Type        *string           `json:"type"`
			Coordinates []json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return in, planning.FieldError(ref, "not a GeoJSON Feature: %v", jsonReason(err))
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, planning.FieldError(field, format, args...))
	}
	if f.Type == nil || *f.Type != "Feature" {
		bad(ref+"/type", "must be \"Feature\"")
	}
	switch {
	case f.Geometry == nil:
		bad(ref+"/geometry", "missing: the site must be a Point [lon, lat]")
	case f.Geometry.Type == nil || *f.Geometry.Type != "Point":
		bad(ref+"/geometry/type", "must be \"Point\"")
	case len(f.Geometry.Coordinates) < 2 || len(f.Geometry.Coordinates) > 3:
		bad(ref+"/geometry/coordinates", "must be a position [lon, lat]")
	default:
		for k := 0; k < 2; k++ {
			if err := json.Unmarshal(f.Geometry.Coordinates[k], &in.Site.Location[k]); err != nil {
				bad(fmt.Sprintf("%s/geometry/coordinates/%d", ref, k), "must be a finite number")
			}
		}
	}
	if f.Properties == nil {
		bad(ref+"/properties", "missing: carrier, site_code and antennas are required")
		return in, errors.Join(errs...)
	}
	p := ref + "/properties/"
	site := &in.Site
	str := func(name string, dst *string) {
		v, ok := f.Properties[name]
		if !ok || string(v) == "null" {
			bad(p+name, "missing")
			return
		}
		if err := json.Unmarshal(v, dst); err != nil {
			bad(p+name, "must be a string")
		}
	}
	str("carrier", &site.Carrier)
	str("site_code", &site.Code)
	if v, ok := f.Properties["height_m"]; !ok || string(v) == "null" {
		site.Assumed = append(site.Assumed, planning.ParamHeightM)
	} else if err := json.Unmarshal(v, &site.HeightM); err != nil {
		bad(p+"height_m", "must be a number of metres")
	}
	site.Properties = map[string]any{}
	for k, v := range f.Properties {
		if !contains(siteKnown, k) {
			site.Properties[k] = rawValue(v)
		}
	}
	var antennas []map[string]json.RawMessage
	if v, ok := f.Properties["antennas"]; !ok || string(v) == "null" {
		bad(p+"antennas", "missing: the site's antennas")
	} else if err := json.Unmarshal(v, &antennas); err != nil {
		bad(p+"antennas", "must be an array of antenna objects")
	}
	for k, a := range antennas {
		at := fmt.Sprintf("%santennas/%d", p, k)
		c, err := decodeAntenna(a, at)
		if err != nil {
			errs = append(errs, err)
		}
		site.Cells = append(site.Cells, c)
		in.CellRefs = append(in.CellRefs, at)
	}
	return in, errors.Join(errs...)
}

func decodeAntenna(a map[string]json.RawMessage, at string) (planning.Cell, error) {
	var c planning.Cell
	var errs []error
	if v, ok := a["technology"]; !ok || json.Unmarshal(v, &c.Technology) != nil || c.Technology == "" {
		errs = append(errs, planning.FieldError(at+"/technology", "missing: GSM, UMTS, LTE or NR"))
	}
	if v, ok := a["omni"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &c.Omni); err != nil {
			errs = append(errs, planning.FieldError(at+"/omni", "must be true or false"))
		}
	}
	num := func(name string, dst *float64) {
		v, ok := a[name]
		if !ok || string(v) == "null" {
			c.Assumed = append(c.Assumed, name)
			return
		}
		if err := json.Unmarshal(v, dst); err != nil {
			errs = append(errs, planning.FieldError(at+"/"+name, "must be a finite number"))
		}
	}
	num(planning.ParamBandMHz, &c.BandMHz)
	if !c.Omni {
		num(planning.ParamAzimuthDeg, &c.AzimuthDeg)
	}
	num(planning.ParamTiltDeg, &c.TiltDeg)
	num(planning.ParamEIRPdBm, &c.EIRPdBm)
	num(planning.ParamGainDBi, &c.GainDBi)
	if !c.Omni {
		num(planning.ParamHBeamwidthDeg, &c.HBeamwidthDeg)
	}
	num(planning.ParamVBeamwidthDeg, &c.VBeamwidthDeg)
	c.Properties = map[string]any{}
	for k, v := range a {
		if !contains(antennaKnown, k) {
			c.Properties[k] = rawValue(v)
		}
	}
	return c, errors.Join(errs...)
}

// rawValue decodes a JSON value keeping numbers as json.Number, so that
// large integers (OSM ids) keep every digit.
func rawValue(v json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// jsonReason is a JSON decoding error without Go type names.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s has the wrong JSON type (%s)", te.Field, te.Value)
	}
	return err.Error()
}
