package planning

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"

	"gopkg.in/yaml.v3"

	"btsplan/geo/coverage"
	"btsplan/geo/itm"
)

// The national radio defaults ship inside the binary, like the rules.
//
//go:embed radio/defaults.yaml
var defaultRadio embed.FS

const (
	radioDefaultsFile = "radio/defaults.yaml"
	radioSchema       = 1
)

// TechDefaults are one technology's defaults: its coverage threshold and
// the antenna values an existing site takes when its source lacks them.
type TechDefaults struct {
	ThresholdDBm  float64 // dBm of the technology's metric (level, RSCP, RSRP, SS-RSRP)
	BandMHz       float64
	EIRPdBm       float64 // over the whole carrier, at boresight
	TiltDeg       float64 // total downtilt, positive down
	GainDBi       float64
	HBeamwidthDeg float64
	VBeamwidthDeg float64
}

// RadioDefaults is the one radio configuration of a province (or the
// national one): ITM's environment, the receiver, the reliability, the
// threshold per technology and the values assumed for existing sites.
// Load it once with LoadRadioBook; planning/radio/defaults.yaml documents
// the source of every value.
type RadioDefaults struct {
	Province string // the province code; "" for the national defaults
	// Version identifies the files the values came from (sha256 of them,
	// "sha256:..."): stored with what was computed from them.
	Version      string
	Climate      int     // ITM radio climate, itm.Climate* (1..7)
	N0           float64 // sea-level surface refractivity, N-units
	Epsilon      float64 // ground relative permittivity
	SigmaSPerM   float64 // ground conductivity, S/m
	Polarization int     // itm.PolarizationHorizontal or itm.PolarizationVertical
	RxHeightM    float64 // receiver height above ground, m
	TimePct      float64 // % of time, (0, 100)
	LocationPct  float64 // % of locations, (0, 100)
	SituationPct float64 // % of situations (confidence), (0, 100)
	SiteHeightM  float64 // height of an existing site whose source gives none, m
	Technologies map[string]TechDefaults
}

// Radio returns ITM's environment of d for coverage.Params.Radio, in
// broadcast mode (the three percentages independent).
func (d RadioDefaults) Radio() coverage.Radio {
	return coverage.Radio{
		Climate:      d.Climate,
		N0:           d.N0,
		Epsilon:      d.Epsilon,
		SigmaSPerM:   d.SigmaSPerM,
		Polarization: d.Polarization,
		MDVar:        itm.MDVarBroadcast,
		TimePct:      d.TimePct,
		LocationPct:  d.LocationPct,
		SituationPct: d.SituationPct,
	}
}

// Tech returns the defaults of technology t and whether t is known.
func (d RadioDefaults) Tech(t string) (TechDefaults, bool) {
	td, ok := d.Technologies[t]
	return td, ok
}

// RadioBook holds the national radio defaults and each province's.
type RadioBook struct {
	national  RadioDefaults
	provinces map[string]RadioDefaults
}

// For returns the radio defaults of province (its admin-unit code), or the
// national ones when the province has no file.
func (b *RadioBook) For(province string) RadioDefaults {
	if d, ok := b.provinces[province]; ok {
		return d
	}
	return b.national
}

// National returns the national radio defaults.
func (b *RadioBook) National() RadioDefaults { return b.national }

// Provinces returns the codes of the provinces with their own file, sorted.
func (b *RadioBook) Provinces() []string {
	out := make([]string, 0, len(b.provinces))
	for p := range b.provinces {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// DefaultRadioFile returns the embedded national radio defaults file.
func DefaultRadioFile() []byte {
	b, _ := defaultRadio.ReadFile(radioDefaultsFile) // embedded: cannot fail
	return b
}

// LoadRadioBook loads the embedded national defaults and every province
// file (*.yaml, *.yml, any depth, in path order) of provinces, which may
// be nil. A province file has the national file's shape with a "province"
// member and gives only what it changes. Errors are Invalid; RuleErrors
// lists each mistake with its file, line and field.
func LoadRadioBook(provinces fs.FS) (*RadioBook, error) {
	const op = "load radio defaults"
	nat := RadioDefaults{Technologies: map[string]TechDefaults{}}
	natData := DefaultRadioFile()
	d := &radioDecoder{file: radioDefaultsFile}
	seen := d.decode(natData, &nat, true)
	for _, key := range radioRequired {
		if !seen[key] {
			d.errs = append(d.errs, &RuleError{File: d.file, Line: 1, Path: key, Msg: "missing: the national file gives every value"})
		}
	}
	if len(d.errs) > 0 {
		return nil, &Error{Op: op, Kind: Invalid, Err: errors.Join(d.errs...)}
	}
	nat.Version = hashFiles(natData)
	book := &RadioBook{national: nat, provinces: map[string]RadioDefaults{}}
	if provinces == nil {
		return book, nil
	}
	var errs []error
	where := map[string]string{}
	err := fs.WalkDir(provinces, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() || (path.Ext(p) != ".yaml" && path.Ext(p) != ".yml") {
			return nil
		}
		b, err := fs.ReadFile(provinces, p)
		if err != nil {
			return err
		}
		pd := nat
		pd.Technologies = make(map[string]TechDefaults, len(nat.Technologies))
		for k, v := range nat.Technologies {
			pd.Technologies[k] = v
		}
		pdec := &radioDecoder{file: p}
		pdec.decode(b, &pd, false)
		switch {
		case len(pdec.errs) > 0:
			errs = append(errs, pdec.errs...)
			return nil
		case pd.Province == "":
			errs = append(errs, &RuleError{File: p, Line: 1, Path: "province", Msg: "missing: a province file names its province code"})
			return nil
		case where[pd.Province] != "":
			errs = append(errs, &RuleError{File: p, Line: 1, Path: "province",
				Msg: fmt.Sprintf("province %q is given by %s already", pd.Province, where[pd.Province])})
			return nil
		}
		where[pd.Province] = p
		pd.Version = hashFiles(natData, b)
		book.provinces[pd.Province] = pd
		return nil
	})
	if err != nil {
		return nil, &Error{Op: op, Kind: Invalid, Err: err}
	}
	if len(errs) > 0 {
		return nil, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	return book, nil
}

func hashFiles(files ...[]byte) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%d\n", len(f))
		h.Write(f)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// radioRequired are the value paths the national file must give.
var radioRequired = func() []string {
	out := []string{"environment.climate", "environment.n0", "environment.epsilon", "environment.sigma_s_per_m",
		"environment.polarization", "environment.rx_height_m", "environment.time_pct", "environment.location_pct",
		"environment.situation_pct", "site.height_m"}
	for _, t := range Technologies {
		for _, k := range techKeys {
			out = append(out, "technologies."+t+"."+k)
		}
	}
	return out
}()

var techKeys = []string{"threshold_dbm", "band_mhz", "eirp_dbm", "tilt_deg", "gain_dbi", "h_beamwidth_deg", "v_beamwidth_deg"}

// radioDecoder walks the YAML by hand, as the rule loader does, so that
// every error names the line and the field path.
type radioDecoder struct {
	file string
	errs []error
	seen map[string]bool
}

func (d *radioDecoder) fail(n *yaml.Node, p, format string, args ...any) {
	d.errs = append(d.errs, &RuleError{File: d.file, Line: n.Line, Path: p, Msg: fmt.Sprintf(format, args...)})
}

// mapping returns the key/value pairs of a mapping node, failing on a key
// not in allowed.
func (d *radioDecoder) mapping(n *yaml.Node, p string, allowed []string) [][2]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		d.fail(n, p, "must be a mapping")
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(allowed, k.Value) {
			d.fail(k, join(p, k.Value), "unknown field (want one of %v)", allowed)
			continue
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

func join(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

// number sets *dst from a scalar node within [lo, hi].
func (d *radioDecoder) number(n *yaml.Node, p string, lo, hi float64, dst *float64) {
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		d.fail(n, p, "%q is not a number", n.Value)
		return
	}
	if f < lo || f > hi {
		d.fail(n, p, "%g is outside %g..%g", f, lo, hi)
		return
	}
	*dst = f
	d.seen[p] = true
}

// decode reads one file into out; national files may not name a province.
// It returns the value paths the file gave.
func (d *radioDecoder) decode(data []byte, out *RadioDefaults, national bool) map[string]bool {
	d.seen = map[string]bool{}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		d.errs = append(d.errs, &RuleError{File: d.file, Line: 1, Msg: "syntax: " + err.Error()})
		return d.seen
	}
	if len(root.Content) == 0 {
		d.errs = append(d.errs, &RuleError{File: d.file, Line: 1, Msg: "empty radio defaults file"})
		return d.seen
	}
	top := []string{"schema", "environment", "site", "technologies"}
	if !national {
		top = append(top, "province")
	}
	for _, kv := range d.mapping(root.Content[0], "", top) {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "schema":
			if v.Value != strconv.Itoa(radioSchema) {
				d.fail(v, "schema", "unsupported schema %q (want %d)", v.Value, radioSchema)
			}
		case "province":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				d.fail(v, "province", "must be a province code")
			}
			out.Province = v.Value
		case "environment":
			d.environment(v, out)
		case "site":
			for _, kv := range d.mapping(v, "site", []string{"height_m"}) {
				d.number(kv[1], "site.height_m", 1, MaxHeightM, &out.SiteHeightM)
			}
		case "technologies":
			for _, kv := range d.mapping(v, "technologies", Technologies) {
				t := kv[0].Value
				td := out.Technologies[t]
				d.tech(kv[1], "technologies."+t, &td)
				out.Technologies[t] = td
			}
		}
	}
	return d.seen
}

func (d *radioDecoder) environment(n *yaml.Node, out *RadioDefaults) {
	keys := []string{"climate", "n0", "epsilon", "sigma_s_per_m", "polarization", "rx_height_m", "time_pct", "location_pct", "situation_pct"}
	for _, kv := range d.mapping(n, "environment", keys) {
		k, v := kv[0].Value, kv[1]
		p := "environment." + k
		switch k {
		case "climate":
			var f float64
			d.number(v, p, 1, 7, &f)
			if f != math.Trunc(f) {
				d.fail(v, p, "%g is not an ITM climate code 1..7", f)
			}
			out.Climate = int(f)
		case "n0":
			d.number(v, p, 250, 400, &out.N0)
		case "epsilon":
			d.number(v, p, 1, 100, &out.Epsilon)
		case "sigma_s_per_m":
			d.number(v, p, 0.00001, 100, &out.SigmaSPerM)
		case "polarization":
			switch v.Value {
			case "vertical":
				out.Polarization = itm.PolarizationVertical
			case "horizontal":
				out.Polarization = itm.PolarizationHorizontal
			default:
				d.fail(v, p, "%q is not vertical or horizontal", v.Value)
				return
			}
			d.seen[p] = true
		case "rx_height_m":
			d.number(v, p, 0.5, 3000, &out.RxHeightM)
		case "time_pct":
			d.number(v, p, 0.1, 99.9, &out.TimePct)
		case "location_pct":
			d.number(v, p, 0.1, 99.9, &out.LocationPct)
		case "situation_pct":
			d.number(v, p, 0.1, 99.9, &out.SituationPct)
		}
	}
}

func (d *radioDecoder) tech(n *yaml.Node, p string, td *TechDefaults) {
	for _, kv := range d.mapping(n, p, techKeys) {
		k, v := kv[0].Value, kv[1]
		kp := p + "." + k
		switch k {
		case "threshold_dbm":
			d.number(v, kp, -200, 50, &td.ThresholdDBm)
		case "band_mhz":
			d.number(v, kp, 20, 20000, &td.BandMHz)
		case "eirp_dbm":
			d.number(v, kp, -49, 99, &td.EIRPdBm)
		case "tilt_deg":
			d.number(v, kp, -90, 90, &td.TiltDeg)
		case "gain_dbi":
			d.number(v, kp, -10, 40, &td.GainDBi)
		case "h_beamwidth_deg":
			d.number(v, kp, 1, 360, &td.HBeamwidthDeg)
		case "v_beamwidth_deg":
			d.number(v, kp, 1, 180, &td.VBeamwidthDeg)
		}
	}
}
