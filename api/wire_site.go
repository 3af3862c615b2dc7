package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// siteFeatureIn is the body of POST /v1/checks and /v1/proposals: a GeoJSON
// Feature whose Point geometry is the site and whose properties describe
// it. Pointers tell a missing member from a zero one; coordinates are
// decoded as any so that an overflowing number is reported by
// encoding/json with its offset, and their shape is checked here with a
// JSON pointer for each position.
type siteFeatureIn struct {
	Type       *string           `json:"type"`
	Geometry   *geometryIn       `json:"geometry"`
	Properties *sitePropertiesIn `json:"properties"`
}

type geometryIn struct {
	Type        *string     `json:"type"`
	Coordinates coordinates `json:"coordinates"`
}

// coordinates holds a GeoJSON coordinates member as nested []any with
// json.Number leaves, so that position can name the exact element of a
// number out of float64's range ("/geometry/coordinates/0"), which
// encoding/json reports imprecisely for values decoded into any.
type coordinates struct{ v any }

func (c *coordinates) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(&c.v)
}

type sitePropertiesIn struct {
	Carrier   *string     `json:"carrier"`
	SiteCode  *string     `json:"site_code"`
	Structure *string     `json:"structure"`
	HeightM   *float64    `json:"height_m"`
	Footprint *geometryIn `json:"footprint"`
	Antennas  []antennaIn `json:"antennas"`
}

type antennaIn struct {
	AzimuthDeg *float64 `json:"azimuth_deg"`
	TiltDeg    *float64 `json:"tilt_deg"`
	BandMHz    *float64 `json:"band_mhz"`
	EIRPdBm    *float64 `json:"eirp_dbm"`
	Technology *string  `json:"technology"`
}

// site converts a decoded body into a Site. A document of the wrong shape
// (not a Feature, not a Point, a missing property) is Invalid with every
// offending member named; the Site then holds what could be read, for
// ValidateSite to find the remaining mistakes. Ranges, carriers, structures
// and footprint validity are the service's to judge (ValidateSite, Check).
func (in *siteFeatureIn) site() (planning.Site, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, planning.FieldError(field, format, args...))
	}
	var site planning.Site
	switch {
	case in.Type == nil:
		bad("/type", "missing: the body must be a GeoJSON Feature")
	case *in.Type != "Feature":
		bad("/type", "is %q: the body must be a GeoJSON Feature", *in.Type)
	}
	if in.Geometry == nil {
		bad("/geometry", "missing: the site must be a Point geometry [lon, lat]")
	} else {
		switch {
		case in.Geometry.Type == nil:
			bad("/geometry/type", "missing: the site must be a Point geometry")
		case *in.Geometry.Type != "Point":
			bad("/geometry/type", "is %q: the site must be a Point geometry [lon, lat]", *in.Geometry.Type)
		default:
			p, err := position(in.Geometry.Coordinates.v, "/geometry/coordinates")
			if err != nil {
				errs = append(errs, err)
			}
			site.Location = p
		}
	}
	if in.Properties == nil {
		bad("/properties", "missing: carrier, site_code, structure and height_m are required")
		return site, errors.Join(errs...)
	}
	pr := in.Properties
	if pr.Carrier == nil || *pr.Carrier == "" {
		bad("/properties/carrier", "missing: the carrier's code (MNC), such as 452-04")
	} else {
		site.Carrier = *pr.Carrier
	}
	if pr.SiteCode == nil || *pr.SiteCode == "" {
		bad("/properties/site_code", "missing: the carrier's own site code")
	} else {
		site.Code = *pr.SiteCode
	}
	if pr.Structure == nil || *pr.Structure == "" {
		bad("/properties/structure", "missing: one of %v", planning.Structures)
	} else {
		site.Structure = planning.Structure(*pr.Structure)
	}
	if pr.HeightM == nil {
		bad("/properties/height_m", "missing: the structure height above ground in metres")
	} else {
		site.HeightM = *pr.HeightM
	}
	if pr.Footprint != nil {
		fp, err := polygon(pr.Footprint, "/properties/footprint")
		if err != nil {
			errs = append(errs, err)
		}
		site.Footprint = fp
	}
	antennas, err := decodeAntennas(pr.Antennas, "/properties/antennas")
	if err != nil {
		errs = append(errs, err)
	}
	site.Antennas = antennas
	return site, errors.Join(errs...)
}

// decodeAntennas converts the antennas of a request (a proposal's
// properties, a site search's body) whose JSON pointer is at: every
// missing member is Invalid and named ("/properties/antennas/0/tilt_deg").
// Ranges and technologies are the service's to judge.
func decodeAntennas(in []antennaIn, at string) ([]planning.Antenna, error) {
	if len(in) > planning.MaxAntennas {
		// One error, not five per item: a 1 MiB body of {} once answered
		// with well over a million.
		return nil, planning.FieldError(at, "%d antennas; at most %d are allowed on one site", len(in), planning.MaxAntennas)
	}
	var errs []error
	var out []planning.Antenna
	for i, a := range in {
		ai := fmt.Sprintf("%s/%d", at, i)
		var an planning.Antenna
		need := func(v *float64, name string) float64 {
			if v == nil {
				errs = append(errs, planning.FieldError(ai+"/"+name, "missing"))
				return 0
			}
			return *v
		}
		an.AzimuthDeg = need(a.AzimuthDeg, "azimuth_deg")
		an.TiltDeg = need(a.TiltDeg, "tilt_deg")
		an.BandMHz = need(a.BandMHz, "band_mhz")
		an.EIRPdBm = need(a.EIRPdBm, "eirp_dbm")
		if a.Technology == nil || *a.Technology == "" {
			errs = append(errs, planning.FieldError(ai+"/technology", "missing: GSM, UMTS, LTE or NR"))
		} else {
			an.Technology = *a.Technology
		}
		out = append(out, an)
	}
	return out, errors.Join(errs...)
}

// position reads a GeoJSON position [lon, lat] or [lon, lat, alt] (the
// altitude is ignored: ground height comes from the DEM, but it must still
// be a finite number, as RFC 7946 requires of every element).
func position(v any, at string) (orb.Point, error) {
	arr, ok := v.([]any)
	if !ok {
		if v == nil {
			return orb.Point{}, planning.FieldError(at, "missing: a position [lon, lat]")
		}
		return orb.Point{}, planning.FieldError(at, "must be a position [lon, lat], got %s", jsonKind(v))
	}
	if len(arr) < 2 || len(arr) > 3 {
		return orb.Point{}, planning.FieldError(at, "must be a position [lon, lat], got %d numbers", len(arr))
	}
	var p orb.Point
	for i := range arr {
		n, ok := arr[i].(json.Number)
		if !ok {
			return orb.Point{}, planning.FieldError(fmt.Sprintf("%s/%d", at, i), "must be a number, got %s", jsonKind(arr[i]))
		}
		f, err := n.Float64()
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Point{}, planning.FieldError(fmt.Sprintf("%s/%d", at, i), "number %s is out of range: not a finite number", n)
		}
		if i < 2 {
			p[i] = f
		}
	}
	return p, nil
}

// polygon reads a GeoJSON Polygon object: closed rings of at least four
// positions. Whether it is valid (simple, not self-intersecting) is the
// service's check.
func polygon(g *geometryIn, at string) (orb.Polygon, error) {
	if g.Type == nil || *g.Type != "Polygon" {
		got := "nothing"
		if g.Type != nil {
			got = fmt.Sprintf("%q", *g.Type)
		}
		return nil, planning.FieldError(at+"/type", "must be \"Polygon\", got %s", got)
	}
	return polygonCoordinates(g.Coordinates.v, at+"/coordinates")
}

// polygonCoordinates reads the coordinates member (at) of a Polygon.
func polygonCoordinates(v any, at string) (orb.Polygon, error) {
	rings, ok := v.([]any)
	if !ok || len(rings) == 0 {
		return nil, planning.FieldError(at, "must be an array of linear rings")
	}
	var poly orb.Polygon
	for i, r := range rings {
		ringAt := fmt.Sprintf("%s/%d", at, i)
		pts, ok := r.([]any)
		if !ok {
			return nil, planning.FieldError(ringAt, "must be a linear ring (an array of positions), got %s", jsonKind(r))
		}
		if len(pts) < 4 {
			return nil, planning.FieldError(ringAt, "a linear ring needs at least 4 positions, got %d", len(pts))
		}
		ring := make(orb.Ring, 0, len(pts))
		for j, pv := range pts {
			p, err := position(pv, fmt.Sprintf("%s/%d", ringAt, j))
			if err != nil {
				return nil, err
			}
			ring = append(ring, p)
		}
		if !ring.Closed() {
			return nil, planning.FieldError(ringAt, "a linear ring must end at its first position")
		}
		poly = append(poly, ring)
	}
	return poly, nil
}

// jsonKind names the JSON type of a value decoded into any.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}
