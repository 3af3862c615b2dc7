package planning

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// The JSON pointers of the site fields, as api/ names them in its GeoJSON
// Feature. Validation errors carry them in Error.Field.
const (
	FieldCoordinates = "/geometry/coordinates"
	FieldCarrier     = "/properties/carrier"
	FieldCode        = "/properties/site_code"
	FieldFootprint   = "/properties/footprint"
	FieldStructure   = "/properties/structure"
	FieldHeight      = "/properties/height_m"
	FieldAntennas    = "/properties/antennas"
)

// Technologies lists the radio technologies an antenna may carry.
var Technologies = []string{"GSM", "UMTS", "LTE", "NR"}

// Vietnam's bounding box in degrees, for the swapped-coordinates hint.
const (
	vnMinLon, vnMaxLon = 102.1, 109.5
	vnMinLat, vnMaxLat = 8.2, 23.4
)

// MaxFootprintOffsetM is how far the footprint may lie from the site point:
// the footprint is where the structure stands, so it must contain or be
// near the point.
const MaxFootprintOffsetM = 500.0

// ValidateSite checks a site on its own, before any store is asked. It
// returns nil or an Invalid error joining one *Error per problem, each
// naming its JSON pointer (FieldCoordinates, FieldHeight,
// "/properties/antennas/0/azimuth_deg", ...): KindOf gives Invalid,
// FieldOf the first field, Fields all of them. Text fields are checked with
// CheckLine (MaxCodeChars; no NUL, control character or invalid UTF-8),
// numbers against the ranges of limits.go, and the antennas and footprint
// positions against MaxAntennas and MaxFootprintVertices. The carrier is
// checked to be present here and to exist in Check and Submit.
func (s *Service) ValidateSite(site Site) error {
	return validateSite(site)
}

func validateSite(site Site) error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError(field, format, args...))
	}

	lon, lat := site.Location[0], site.Location[1]
	switch {
	case !finite(lon) || !finite(lat):
		add(FieldCoordinates, "coordinate is not a finite number")
	case !inVietnam(lon, lat) && inVietnam(lat, lon):
		add(FieldCoordinates, "coordinates look swapped: GeoJSON is [lon, lat]")
	case lon < -180 || lon > 180:
		add(FieldCoordinates, "longitude %g is outside [-180, 180]", lon)
	case lat < -90 || lat > 90:
		add(FieldCoordinates, "latitude %g is outside [-90, 90]", lat)
	}

	if site.Carrier == "" {
		add(FieldCarrier, "carrier is required")
	} else if err := CheckLine(FieldCarrier, site.Carrier, MaxCodeChars); err != nil {
		errs = append(errs, err)
	}
	if err := CheckLine(FieldCode, site.Code, MaxCodeChars); err != nil {
		errs = append(errs, err)
	}

	if err := CheckLine(FieldStructure, string(site.Structure), MaxCodeChars); err != nil {
		errs = append(errs, err)
	} else if !site.Structure.Valid() {
		add(FieldStructure, "unknown structure class %q (want %s)", site.Structure, structureNames())
	}

	switch h := site.HeightM; {
	case !finite(h):
		add(FieldHeight, "height is not a finite number")
	case h < MinHeightM:
		add(FieldHeight, "height %g m is below the %g m minimum", h, MinHeightM)
	case h > MaxHeightM:
		add(FieldHeight, "height %g m is above the %g m maximum", h, MaxHeightM)
	}

	if n := footprintVertices(site.Footprint); n > MaxFootprintVertices {
		// Not handed to the validity check, which is quadratic.
		add(FieldFootprint, "footprint has %d positions; at most %d are allowed", n, MaxFootprintVertices)
	} else if len(site.Footprint) > 0 {
		if err := geo.PolygonValid(site.Footprint); err != nil {
			add(FieldFootprint, "invalid footprint: %v", err)
		} else if !footprintInRange(site.Footprint) {
			add(FieldFootprint, "footprint has coordinates outside [-180, 180] × [-90, 90]")
		} else if finite(lon) && finite(lat) {
			if d := geo.PolygonDistanceM(site.Location, site.Footprint); d > MaxFootprintOffsetM {
				add(FieldFootprint, "footprint is %.0f m from the site point, more than %g m: it must contain or be near the site", d, MaxFootprintOffsetM)
			}
		}
	}

	if len(site.Antennas) > MaxAntennas {
		// One error, not one per antenna.
		add(FieldAntennas, "%d antennas; at most %d are allowed on one site", len(site.Antennas), MaxAntennas)
	} else {
		for i, a := range site.Antennas {
			errs = append(errs, validateAntenna(fmt.Sprintf("%s/%d/", FieldAntennas, i), a)...)
		}
	}

	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

// validateAntenna checks one antenna against the ranges of limits.go;
// p is the JSON pointer of the antenna with a final slash.
func validateAntenna(p string, a Antenna) []error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError(p+field, format, args...))
	}
	if !finite(a.AzimuthDeg) || a.AzimuthDeg < 0 || a.AzimuthDeg >= MaxAzimuthDeg {
		add("azimuth_deg", "azimuth %g° is outside [0, %g)", a.AzimuthDeg, MaxAzimuthDeg)
	}
	if !finite(a.TiltDeg) || a.TiltDeg < MinTiltDeg || a.TiltDeg > MaxTiltDeg {
		add("tilt_deg", "tilt %g° is outside [%g, %g]", a.TiltDeg, MinTiltDeg, MaxTiltDeg)
	}
	if !finite(a.BandMHz) || a.BandMHz < MinBandMHz || a.BandMHz > MaxBandMHz {
		add("band_mhz", "band %g MHz is outside the mobile bands, %g to %g MHz", a.BandMHz, MinBandMHz, MaxBandMHz)
	}
	if !finite(a.EIRPdBm) || a.EIRPdBm < MinEIRPdBm || a.EIRPdBm > MaxEIRPdBm {
		add("eirp_dbm", "EIRP %g dBm is outside %g to %g dBm", a.EIRPdBm, MinEIRPdBm, MaxEIRPdBm)
	}
	if err := CheckLine(p+"technology", a.Technology, MaxCodeChars); err != nil {
		errs = append(errs, err)
	} else if !slices.Contains(Technologies, a.Technology) {
		add("technology", "unknown technology %q (want GSM, UMTS, LTE, NR)", a.Technology)
	}
	return errs
}

func footprintVertices(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// Fields returns the Field of every *Error in err's tree, in order, without
// repeats: all the inputs a joined validation error complains about.
func Fields(err error) []string {
	var out []string
	walkErrors(err, func(e error) {
		if fe, ok := e.(*Error); ok && fe.Field != "" && !slices.Contains(out, fe.Field) {
			out = append(out, fe.Field)
		}
	})
	return out
}

func footprintInRange(p orb.Polygon) bool {
	for _, r := range p {
		for _, pt := range r {
			if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
				return false
			}
		}
	}
	return true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func inVietnam(lon, lat float64) bool {
	return lon >= vnMinLon && lon <= vnMaxLon && lat >= vnMinLat && lat <= vnMaxLat
}

// round7 rounds a coordinate to 1e-7 degrees (about 1 cm).
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

func roundPoint(p orb.Point) orb.Point { return orb.Point{round7(p[0]), round7(p[1])} }
