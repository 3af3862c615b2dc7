package coverage_test

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/coverage"
)

// pinnedSite is a fixed input whose canonical encoding and hash are
// pinned below.
func pinnedSite() (coverage.Params, coverage.Options) {
	p := coverage.Params{
		Location: orb.Point{105.6, 21.45}, HeightM: 30, RxHeightM: 1.5, FreqMHz: 900,
		Technology: coverage.GSM,
		Radio:      coverage.DefaultRadio(),
		Sectors: []coverage.Sector{
			{AzimuthDeg: 0, ElecTiltDeg: 2, GainDBi: 17, HBeamwidthDeg: 65, VBeamwidthDeg: 7, EIRPdBm: 60},
			{AzimuthDeg: -120, MechTiltDeg: 1, TxPowerDBm: 43, LossesDB: 3, GainDBi: 15},
		},
	}
	return p, coverage.Options{RadiusM: 5000, TerrainSampling: coverage.SamplingNearest, DEMVersion: "srtm3:N21E105@v1"}
}

const pinnedCanonical = `btsplan coverage inputs v2
location/0=105.6
location/1=21.45
height_m=30
rx_height_m=1.5
freq_mhz=900
technology="GSM"
metric="level"
threshold_dbm=-95
resource_blocks=0
pilot_share_db=0
conversion_db=0
radio/climate=5
radio/n0=301
radio/epsilon=15
radio/sigma_s_per_m=0.005
radio/polarization="vertical"
radio/mdvar=3
radio/time_pct=50
radio/location_pct=50
radio/situation_pct=50
sectors=2
sectors/0/azimuth_deg=0
sectors/0/mech_tilt_deg=0
sectors/0/elec_tilt_deg=2
sectors/0/gain_dbi=17
sectors/0/eirp_dbm=60
sectors/0/hbw_deg=65
sectors/0/vbw_deg=7
sectors/0/front_to_back_db=25
sectors/0/side_lobe_db=20
sectors/0/pattern=""
sectors/0/pattern_sha256=""
sectors/1/azimuth_deg=240
sectors/1/mech_tilt_deg=1
sectors/1/elec_tilt_deg=0
sectors/1/gain_dbi=15
sectors/1/eirp_dbm=55
sectors/1/hbw_deg=0
sectors/1/vbw_deg=0
sectors/1/front_to_back_db=25
sectors/1/side_lobe_db=20
sectors/1/pattern=""
sectors/1/pattern_sha256=""
radius_m=5000
cell_arcsec=0
profile_step_m=0
terrain_sampling="nearest"
dem_version="srtm3:N21E105@v1"
model="ITM 1.2.2 (btsplan geo/itm)"
engine="btsplan coverage 1 (ray-prefix profiles, exact ITM per cell)"
`

// pinnedHash is the SHA-256 of pinnedCanonical. If this test fails, the
// cache key changed: if that was meant, raise coverage.CanonicalVersion
// and pin the new values; if not, undo the change.
const pinnedHash = "sha256:416b154ab871c56a3e211c1033e0d92d4076f5cd5d6ac90add80d7f21a8c2e4b"

func resolvedPinned(t *testing.T) coverage.Inputs {
	t.Helper()
	p, o := pinnedSite()
	in, err := coverage.Resolve(p, o)
	if err != nil {
		t.Fatalf("Resolve(pinned) = %v", err)
	}
	return in
}

func TestHashPinned(t *testing.T) {
	in := resolvedPinned(t)
	if got := string(in.AppendCanonical(nil)); got != pinnedCanonical {
		t.Errorf("AppendCanonical(pinned) =\n%s\nwant\n%s", got, pinnedCanonical)
	}
	p, o := pinnedSite()
	got, err := coverage.Hash(p, o)
	if err != nil {
		t.Fatal(err)
	}
	if got != pinnedHash {
		t.Errorf("Hash(pinned) = %s, want %s", got, pinnedHash)
	}
	if in.Hash() != got {
		t.Errorf("Inputs.Hash() = %s, want Hash's %s", in.Hash(), got)
	}
}

// The canonical encoding is written field by field from the wire names,
// not from the Go struct: canonical.go uses no reflection and no JSON, so
// renaming a Go field of Inputs cannot change a hash.
func TestCanonicalIsNotReflection(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "canonical.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	allowed := []string{"crypto/sha256", "encoding/hex", "strconv"}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if !slices.Contains(allowed, path) {
			t.Errorf("canonical.go imports %s, want only %v (no reflect, encoding/json or fmt: the encoding must not depend on Go names)", path, allowed)
		}
	}
	// Every Go field of Inputs is in the encoding: a field added to the
	// struct and not to AppendCanonical would be missing from the key.
	in := resolvedPinned(t)
	lines := strings.Count(string(in.AppendCanonical(nil)), "\n")
	perSector := reflect.TypeFor[coverage.SectorInputs]().NumField()
	// Lon and Lat are location/0 and /1; Radio is one line per member;
	// Sectors is its count and each sector's members.
	want := 1 + (reflect.TypeFor[coverage.Inputs]().NumField() - 2) + reflect.TypeFor[coverage.Radio]().NumField() +
		1 + len(in.Sectors)*perSector
	if lines != want {
		t.Errorf("canonical encoding has %d lines, want %d (version, one per input): is a Go field missing from AppendCanonical?", lines, want)
	}
}

// flatten returns the JSON pointers (without the leading "/") of the
// leaves of v, with "location/0" style indexes.
func flatten(prefix string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(join(prefix, k), e, out)
		}
	case []any:
		if prefix == coverage.FieldSectors {
			out[prefix] = true // the count
		}
		for i, e := range x {
			flatten(join(prefix, strconv.Itoa(i)), e, out)
		}
	default:
		out[prefix] = true
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}

// The JSON and the canonical encoding use the same names: one wire form.
func TestCanonicalNamesAreTheJSONNames(t *testing.T) {
	in := resolvedPinned(t)
	in.Sectors[0].Pattern, in.Sectors[0].PatternSHA256 = "K80010622", "sha256:00"
	in.Sectors[1].Pattern, in.Sectors[1].PatternSHA256 = "K80010623", "sha256:01"
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	fromJSON := map[string]bool{}
	flatten("", doc, fromJSON)
	fromCanonical := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(in.AppendCanonical(nil))), "\n")[1:] {
		k, _, _ := strings.Cut(l, "=")
		fromCanonical[k] = true
	}
	if a, b := slices.Sorted(maps.Keys(fromJSON)), slices.Sorted(maps.Keys(fromCanonical)); !slices.Equal(a, b) {
		t.Errorf("JSON members %v, want the canonical encoding's %v", a, b)
	}
}

func TestInputsJSONRoundTrip(t *testing.T) {
	in := resolvedPinned(t)
	in.Radio.Polarization = 0 // horizontal
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{`"location":[105.6,21.45]`, `"height_m":30`, `"polarization":"horizontal"`,
		`"hbw_deg":65`, `"terrain_sampling":"nearest"`, `"dem_version":"srtm3:N21E105@v1"`} {
		if !strings.Contains(string(b), member) {
			t.Errorf("json.Marshal(inputs) = %s, want it to contain %s", b, member)
		}
	}
	var back coverage.Inputs
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, in) {
		t.Errorf("round trip = %+v, want %+v", back, in)
	}
	if back.Hash() != in.Hash() {
		t.Errorf("hash after the round trip %s, want %s", back.Hash(), in.Hash())
	}
	if err := json.Unmarshal([]byte(`{"radio":{"polarization":"circular"}}`), &back); err == nil {
		t.Errorf("json.Unmarshal(circular polarization) = nil, want an error")
	}
}
