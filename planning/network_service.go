package planning

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// MaxGroupDistanceM is the largest OpenCelliD grouping distance accepted:
// cells farther apart than this are never one mast.
const MaxGroupDistanceM = 1000.0

// NetworkService imports and reads the existing networks. It is safe for
// concurrent use.
type NetworkService struct {
	store NetworkStore
	orgs  OrgStore
	radio *RadioBook
}

// NewNetworkService returns a NetworkService over store; orgs tells the
// carriers, radio gives the values assumed where a source gives none.
func NewNetworkService(store NetworkStore, orgs OrgStore, radio *RadioBook) *NetworkService {
	return &NetworkService{store: store, orgs: orgs, radio: radio}
}

// RadioDefaults returns the radio defaults of province ("" national).
func (s *NetworkService) RadioDefaults(province string) RadioDefaults { return s.radio.For(province) }

// Networks returns every network version, newest first within a name.
// Errors: Unavailable.
func (s *NetworkService) Networks(ctx context.Context) ([]Network, error) {
	return s.store.Networks(ctx)
}

// Sites returns the existing sites that f selects, with their cells.
// Errors: Invalid for a bad filter, NotFound for an unknown network,
// Unavailable.
func (s *NetworkService) Sites(ctx context.Context, f SiteFilter) ([]ExistingSite, error) {
	if f.Version < 0 || f.Version > 0 && f.Network == "" {
		return nil, FieldError("version", "a version needs a network name")
	}
	return s.store.Sites(ctx, f)
}

// ImportOpenCelliD reads an OpenCelliD cell CSV (ReadOpenCelliD), groups
// its cells into sites (GroupCells) and imports them (ImportSites). Errors
// name the line: those of ReadOpenCelliD, an unknown carrier (the first
// line of its MNC), and those of ImportSites.
func (s *NetworkService) ImportOpenCelliD(ctx context.Context, spec NetworkSpec, r io.Reader) (NetworkReport, error) {
	const op = "import opencellid"
	spec.Format = FormatOpenCelliD
	if spec.GroupDistanceM == 0 {
		spec.GroupDistanceM = DefaultGroupDistanceM
	}
	if err := checkNetworkSpec(spec); err != nil {
		return NetworkReport{}, &Error{Op: op, Kind: Invalid, Err: err}
	}
	cells, skipped, err := ReadOpenCelliD(r)
	if err != nil {
		return NetworkReport{}, err
	}
	// Name an unknown MNC by the first line that uses it.
	checked := map[string]bool{}
	for _, c := range cells {
		if checked[c.Carrier] {
			continue
		}
		checked[c.Carrier] = true
		if err := s.checkCarrier(ctx, c.Carrier, fmt.Sprintf("line %d", c.Line),
			fmt.Sprintf("mcc %d net %s: ", MCCVietnam, strings.TrimPrefix(c.Carrier, "452-"))); err != nil {
			return NetworkReport{}, &Error{Op: op, Kind: KindOf(err), Err: err}
		}
	}
	return s.ImportSites(ctx, spec, GroupCells(cells, spec.GroupDistanceM), skipped)
}

// ImportSites checks the sites read from a file, fills every value named
// in a site's or cell's Assumed from the radio defaults of spec.Province,
// and stores them as the next version of spec.Name in one transaction.
// Nothing is stored when any site is bad.
//
// Errors are Invalid and name the site or cell by its Ref (a line, or a
// JSON pointer with the member appended): a bad spec, no site, an unknown
// carrier, a missing or bad site code, a height outside 0..300 m, a site
// with no cell, a bad technology or radio value, a site code given twice
// for one carrier, and a site outside every loaded DEM tile (unless
// spec.AllowOutsideDEM). Store errors keep their kind (Unavailable).
func (s *NetworkService) ImportSites(ctx context.Context, spec NetworkSpec, in []SiteInput, skipped []SkippedRow) (NetworkReport, error) {
	const op = "import sites"
	if err := checkNetworkSpec(spec); err != nil {
		return NetworkReport{}, &Error{Op: op, Kind: Invalid, Err: err}
	}
	if len(in) == 0 {
		return NetworkReport{}, &Error{Op: op, Kind: Invalid, Err: FieldError("", "no site to import")}
	}
	defs := s.radio.For(spec.Province)
	rep := NetworkReport{Skipped: skipped, AssumedValues: map[string]int{}}
	var errs []error
	carriers := map[string]error{}
	codes := map[string]string{} // carrier/code → ref
	for i := range in {
		if len(errs) >= maxReadErrors {
			break
		}
		si := &in[i]
		if err, ok := carriers[si.Site.Carrier]; !ok || err != nil {
			if !ok {
				err = s.checkCarrier(ctx, si.Site.Carrier, at(si.Ref, "carrier"), "")
				carriers[si.Site.Carrier] = err
			}
			if err != nil {
				if KindOf(err) != Invalid {
					return NetworkReport{}, &Error{Op: op, Kind: KindOf(err), Err: err}
				}
				errs = append(errs, relabel(err, at(si.Ref, "carrier")))
				continue
			}
		}
		k := si.Site.Carrier + "\x00" + si.Site.Code
		if prev, dup := codes[k]; dup && si.Site.Code != "" {
			errs = append(errs, FieldError(at(si.Ref, "site_code"), "site code %q of carrier %s is given at %s already", si.Site.Code, si.Site.Carrier, prev))
			continue
		}
		codes[k] = si.Ref
		if err := completeSite(si, defs, rep.AssumedValues); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return NetworkReport{}, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}

	pts := make([]orb.Point, len(in))
	for i := range in {
		pts[i] = in[i].Site.Location
	}
	outside, anyDEM, err := s.store.OutsideDEM(ctx, pts)
	if err != nil {
		return NetworkReport{}, fmt.Errorf("%s: %w", op, err)
	}
	if len(outside) > 0 && !spec.AllowOutsideDEM {
		if !anyDEM {
			return NetworkReport{}, &Error{Op: op, Kind: Invalid, Err: FieldError("", "no DEM is loaded, so no site can be checked against the terrain: import the DEM first (btsplan import dem), or allow sites outside the DEM")}
		}
		for _, i := range outside[:min(len(outside), maxReadErrors)] {
			p := in[i].Site.Location
			errs = append(errs, FieldError(in[i].Ref, "site at %.6f, %.6f is outside every loaded DEM tile: its coverage cannot be computed", p[0], p[1]))
		}
		return NetworkReport{}, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	for _, i := range outside {
		rep.OutsideDEM = append(rep.OutsideDEM, in[i].Ref)
	}

	n := Network{Name: spec.Name, Format: spec.Format, Source: spec.Source, Licence: spec.Licence,
		Province: spec.Province, DefaultsVersion: defs.Version, Skipped: skipped}
	if spec.Format == FormatOpenCelliD {
		n.GroupDistanceM = spec.GroupDistanceM
	}
	sites := make([]ExistingSite, len(in))
	for i := range in {
		sites[i] = in[i].Site
		rep.Cells += len(in[i].Site.Cells)
	}
	if err := s.store.SaveNetwork(ctx, &n, sites); err != nil {
		return NetworkReport{}, fmt.Errorf("%s %q: %w", op, spec.Name, err)
	}
	rep.Network, rep.Sites = n, len(sites)
	return rep, nil
}

// checkCarrier returns an Invalid error naming field when code is not a
// carrier in the organization table, or the store's error.
func (s *NetworkService) checkCarrier(ctx context.Context, code, field, prefix string) error {
	if code == "" {
		return FieldError(field, "missing: the carrier's code (MNC), such as 452-04")
	}
	org, err := s.orgs.Organization(ctx, code)
	switch {
	case KindOf(err) == NotFound || err == nil && org.Kind != "carrier":
		return FieldError(field, "%sMNC %s is not a carrier in the organization table", prefix, code)
	case err != nil:
		return err
	}
	return nil
}

// relabel gives an Invalid error the field of the input it is about.
func relabel(err error, field string) error {
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		return err
	}
	return FieldError(field, "%v", err)
}

// at names member of the input at ref: a JSON pointer gets the member
// appended under properties; a line stays the line (the reason names the
// member).
func at(ref, member string) string {
	if strings.HasPrefix(ref, "/") {
		return ref + "/properties/" + member
	}
	return ref
}

// checkNetworkSpec returns an Invalid error naming the first bad field.
func checkNetworkSpec(spec NetworkSpec) error {
	if strings.TrimSpace(spec.Name) == "" {
		return FieldError("name", "missing: the network's name")
	}
	if err := CheckLine("name", spec.Name, MaxNameChars); err != nil {
		return err
	}
	if !slices.Contains(NetworkFormats, spec.Format) {
		return FieldError("format", "%q is not one of %s", spec.Format, strings.Join(NetworkFormats, ", "))
	}
	if err := CheckLine("source", spec.Source, MaxTextChars); err != nil {
		return err
	}
	if err := CheckLine("licence", spec.Licence, MaxNameChars); err != nil {
		return err
	}
	if err := CheckLine("province", spec.Province, MaxCodeChars); err != nil {
		return err
	}
	if spec.Format == FormatOpenCelliD && !(spec.GroupDistanceM > 0 && spec.GroupDistanceM <= MaxGroupDistanceM) {
		return FieldError("group_distance_m", "%g m is outside 0..%g m", spec.GroupDistanceM, MaxGroupDistanceM)
	}
	return nil
}

// completeSite checks a site read from a file and fills its assumed
// values from defs, counting them in assumed.
func completeSite(si *SiteInput, defs RadioDefaults, assumed map[string]int) error {
	var errs []error
	site := &si.Site
	bad := func(field, format string, args ...any) {
		errs = append(errs, FieldError(field, format, args...))
	}
	if err := CheckLine(at(si.Ref, "site_code"), site.Code, MaxCodeChars); err != nil {
		errs = append(errs, err)
	} else if strings.TrimSpace(site.Code) == "" {
		bad(at(si.Ref, "site_code"), "missing: the carrier's own site code")
	}
	if p := site.Location; !finiteAll(p[0], p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		bad(coordField(si.Ref), "%v is not a [lon, lat] position", p)
	}
	if slices.Contains(site.Assumed, ParamHeightM) {
		site.HeightM = defs.SiteHeightM
		assumed[ParamHeightM]++
	} else if !(site.HeightM > 0 && site.HeightM <= MaxHeightM) {
		bad(at(si.Ref, "height_m"), "height %g m is outside 0..%g m", site.HeightM, MaxHeightM)
	}
	if len(site.Cells) == 0 {
		bad(at(si.Ref, "antennas"), "the site has no antenna")
	}
	for k := range site.Cells {
		ref := si.Ref
		if k < len(si.CellRefs) {
			ref = si.CellRefs[k]
		}
		if err := completeCell(&site.Cells[k], ref, defs, assumed); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// coordField names the position of the input at ref.
func coordField(ref string) string {
	if strings.HasPrefix(ref, "/") {
		return ref + "/geometry/coordinates"
	}
	return ref
}

// cellField names member of the cell at ref: a JSON pointer (an antenna
// object) gets the member appended; a line stays the line.
func cellField(ref, member string) string {
	if strings.HasPrefix(ref, "/") {
		return ref + "/" + member
	}
	return ref
}

func completeCell(c *Cell, ref string, defs RadioDefaults, assumed map[string]int) error {
	var errs []error
	bad := func(member, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if !strings.HasPrefix(ref, "/") {
			msg = member + " " + msg
		}
		errs = append(errs, FieldError(cellField(ref, member), "%s", msg))
	}
	c.Technology = strings.ToUpper(strings.TrimSpace(c.Technology))
	td, ok := defs.Tech(c.Technology)
	if !ok {
		bad("technology", "%q is not GSM, UMTS, LTE or NR", c.Technology)
		return errors.Join(errs...)
	}
	is := func(p string) bool { return slices.Contains(c.Assumed, p) }
	fill := func(p string, dst *float64, v float64) {
		if is(p) {
			*dst = v
			assumed[p]++
		}
	}
	if is(ParamOmni) {
		assumed[ParamOmni]++
	}
	fill(ParamBandMHz, &c.BandMHz, td.BandMHz)
	fill(ParamTiltDeg, &c.TiltDeg, td.TiltDeg)
	fill(ParamEIRPdBm, &c.EIRPdBm, td.EIRPdBm)
	fill(ParamGainDBi, &c.GainDBi, td.GainDBi)
	fill(ParamVBeamwidthDeg, &c.VBeamwidthDeg, td.VBeamwidthDeg)
	if c.Omni {
		// An omni cell has no azimuth and radiates over 360°; whatever
		// the source said of them is moot.
		c.AzimuthDeg, c.HBeamwidthDeg = 0, 360
	} else {
		if is(ParamAzimuthDeg) {
			bad("azimuth_deg", "missing: a sector antenna needs its azimuth (or give \"omni\": true)")
		}
		fill(ParamHBeamwidthDeg, &c.HBeamwidthDeg, td.HBeamwidthDeg)
	}
	check := func(member string, v, lo, hi float64, loOpen bool) {
		if !finiteAll(v) || v < lo || v > hi || loOpen && v == lo {
			bad(member, "%g is outside %g..%g", v, lo, hi)
		}
	}
	check("band_mhz", c.BandMHz, 20, 20000, false)
	if !(c.AzimuthDeg >= 0 && c.AzimuthDeg < 360) {
		bad("azimuth_deg", "%g is outside 0..360 (360 excluded)", c.AzimuthDeg)
	}
	check("tilt_deg", c.TiltDeg, -90, 90, false)
	check("eirp_dbm", c.EIRPdBm, -49, 99, false)
	check("gain_dbi", c.GainDBi, -10, 40, false)
	check("h_beamwidth_deg", c.HBeamwidthDeg, 0, 360, true)
	check("v_beamwidth_deg", c.VBeamwidthDeg, 0, 180, true)
	return errors.Join(errs...)
}

func finiteAll(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
