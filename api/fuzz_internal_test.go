package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"btsplan/planning"
)

// FuzzDecodeSite runs arbitrary bytes through the site decoder as
// readSite does (decodeJSON, site(), ValidateSite). It must never panic;
// every error must be a 400 or 422 problem naming a field (or the whole
// document, for a malformed or empty one); what checkJSON accepts,
// encoding/json must find valid.
func FuzzDecodeSite(f *testing.F) {
	valid := `{"type":"Feature","geometry":{"type":"Point","coordinates":[104.98,22.83]},` +
		`"properties":{"carrier":"452-04","site_code":"HGG-Đồng Văn-01","structure":"A2b","height_m":36,` +
		`"footprint":{"type":"Polygon","coordinates":[[[104.9799,22.8299],[104.9801,22.8299],[104.9801,22.8301],[104.9799,22.8299]]]},` +
		`"antennas":[{"azimuth_deg":0,"tilt_deg":4,"band_mhz":1800,"eirp_dbm":58,"technology":"LTE"}]}}`
	for _, s := range []string{
		valid,
		strings.Replace(valid, `"carrier":"452-04"`, `"carrier":"999-99","carrier":"452-04"`, 1),
		strings.Replace(valid, `"site_code":"HGG`, `"site_code":"\u0000HGG`, 1),
		strings.Replace(valid, `"height_m":36`, `"height_m":1e999`, 1),
		strings.Replace(valid, `"height_m":36`, `"height_m":-0`, 1),
		strings.Replace(valid, `"band_mhz":1800`, `"band_mhz":1e300`, 1),
		strings.Replace(valid, `[104.98,22.83]`, `[104.98,22.83,"x"]`, 1),
		strings.Replace(valid, `"type":"Feature"`, `"type":"Feature","\ud800":1`, 1),
		`{"properties":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40) + `}`,
		strings.Repeat("[", 100),
		`{"type":"Feature","properties":{"antennas":[{},{"azimuth_deg":"x"}]}}`,
		`{"geometry":{"type":"Point","coordinates":{}}}`,
		"{\"a\":\"\xff\"}",
		`[1,2]`, `"x"`, `null`, ``, ` `,
	} {
		f.Add([]byte(s))
	}
	var svc planning.Service
	f.Fuzz(func(t *testing.T, body []byte) {
		scanErr := checkJSON(body)
		if scanErr == nil && !json.Valid(body) {
			t.Fatalf("checkJSON accepts %q, which encoding/json finds invalid", body)
		}
		var in siteFeatureIn
		err := decodeJSON(body, &in)
		if err == nil {
			var site planning.Site
			site, err = in.site()
			if err == nil {
				err = svc.ValidateSite(site)
			}
			if err == nil {
				return
			}
		}
		switch st := statusOf(err); st {
		case http.StatusBadRequest:
			// Malformed: the field may be the whole document ("").
		case http.StatusUnprocessableEntity:
			if len(planning.Fields(err)) == 0 && len(fieldErrors(err)) == 0 {
				t.Errorf("422 %v names no field", err)
			}
		default:
			t.Fatalf("status %d for %q: %v", st, body, err)
		}
		if planning.KindOf(err) != planning.Invalid {
			t.Errorf("KindOf(%v) = %v, want Invalid", err, planning.KindOf(err))
		}
		if n := len(err.Error()); n > 2000+len(body)/100 {
			t.Errorf("error of %d bytes for a body of %d: it echoes the input", n, len(body))
		}
	})
}

// FuzzQueryParams builds a query (and path segments) from the fuzz input
// and runs the parsers of the list and export routes. They must never
// panic; every error must be a 4xx naming a parameter; what they accept
// must be in range.
func FuzzQueryParams(f *testing.F) {
	for _, s := range []string{
		"limit=10&offset=20&bbox=104,22,105,23&carrier=452-04&status=submitted&verdict=conflict&admin_unit=HG",
		"offset=9223372036854775807&limit=1000",
		"limit=+5&limit=05",
		"bbox=NaN,0,1,1&bbox=1,2,3,4",
		"carrier=%00&admin_unit=%FF",
		"lang=en&lang=vi",
		"version=99999999999&bbox=-181,0,1,1",
		"kind=landuse&name=rung&category_field=loai&category_map=a:RDD,b:RPH&srid=4326",
		"kind=landuse&name=%0A&srid=+1&category_map=::",
		"%zz=1&;=;",
	} {
		f.Add(s, "rung.geojson", "123")
	}
	f.Add("", "%00.geojson", "+1")
	f.Add("", ".geojson", "00001")
	f.Add("", "x", "1234567890123456789")
	f.Fuzz(func(t *testing.T, rawQuery, file, id string) {
		q, _ := url.ParseQuery(rawQuery)
		check := func(what string, err error) {
			t.Helper()
			if err == nil {
				return
			}
			st := statusOf(err)
			if st < 400 || st >= 500 {
				t.Fatalf("%s(%q): status %d: %v", what, rawQuery, st, err)
			}
			if st != http.StatusNotFound && len(planning.Fields(err)) == 0 {
				t.Errorf("%s(%q): %v names no parameter", what, rawQuery, err)
			}
			if len(err.Error()) > 4000 {
				t.Errorf("%s: error of %d bytes echoes the input", what, len(err.Error()))
			}
		}
		pf, err := proposalFilter(q)
		check("proposalFilter", err)
		if err == nil {
			if pf.Limit < 1 || pf.Limit > MaxPageLimit || pf.Offset < 0 || pf.Offset > planning.MaxListOffset {
				t.Errorf("proposalFilter(%q) = limit %d offset %d: out of range", rawQuery, pf.Limit, pf.Offset)
			}
			u := &url.URL{Path: "/v1/proposals", RawQuery: rawQuery}
			for _, total := range []int{0, 1, pf.Offset + pf.Limit, pf.Offset + pf.Limit + 1, int(^uint(0) >> 1)} {
				next, prev := pageLinks(u, pf, total)
				for _, l := range []string{next, prev} {
					if strings.Contains(l, "offset=-") {
						t.Errorf("pageLinks(%+v, %d) = %q: a negative offset", pf, total, l)
					}
				}
			}
		}
		_, err = layerSpec(q)
		check("layerSpec", err)
		_, _, _, err = layerExportParams(file, q)
		check("layerExportParams", err)
		_, err = parseLang(q)
		check("parseLang", err)
		n, err := parseID("id", "proposal id", id)
		check("parseID", err)
		if err == nil && (n <= 0 || n > 999999999999999999) {
			t.Errorf("parseID(%q) = %d: out of range", id, n)
		}
		if errors.Is(err, errTooLarge) {
			t.Errorf("parseID(%q): 413", id)
		}
	})
}
