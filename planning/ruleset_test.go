package planning_test

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"btsplan/planning"
)

func TestDefaultRuleBook(t *testing.T) {
	b := defaultBook(t)
	rs := b.National()
	if len(rs.Rules) < 20 {
		t.Errorf("national rules = %d, want at least 20", len(rs.Rules))
	}
	if !strings.HasPrefix(rs.Version, "national@") {
		t.Errorf("national Version = %q, want prefix national@", rs.Version)
	}

	// The land-use codes the issue names, and the post-and-telecom code.
	for _, code := range []string{"LUC", "LUK", "LUN", "HNK", "CLN", "RSX", "RPH", "RDD", "NTS", "ONT", "ODT", "CQP", "CAN", "DGT", "DTL", "DNL", "DBV", "DDT", "TON", "NTD", "SON", "MNC"} {
		if !b.KnownCategory(planning.KindLandUse, code) {
			t.Errorf("KnownCategory(landuse, %q) = false, want true", code)
		}
	}
	if c, _ := rs.Category(planning.KindLandUse, "DBV"); c.Name.VI != "Đất công trình hạ tầng bưu chính, viễn thông, công nghệ thông tin" || c.Group != "PNN" {
		t.Errorf("Category(landuse, DBV) = %+v, want the post-and-telecom land of group PNN", c)
	}
	if c, _ := rs.Category(planning.KindLandUse, "LUN"); !c.Legacy {
		t.Errorf("Category(landuse, LUN).Legacy = false, want true (Circular 27/2018 code)")
	}
	for _, kind := range planning.LayerKinds {
		if len(b.Categories(kind)) == 0 {
			t.Errorf("Categories(%q) is empty, want the kind's categories", kind)
		}
	}

	// The two conflicts the issue fixes.
	for _, tc := range []struct{ id, cat string }{{"rdd-inside", "RDD"}, {"cqp-inside", "CQP"}} {
		r, ok := rs.Rule(tc.id)
		if !ok || r.Effect != planning.Prohibited || r.Test != planning.TestInside || !slices.Contains(r.Categories, tc.cat) {
			t.Errorf("Rule(%q) = %+v, %v, want a prohibited inside rule on %s", tc.id, r, ok, tc.cat)
		}
	}
	for _, r := range rs.Rules {
		if r.Message.VI == "" || r.Message.EN == "" || r.LegalBasis == "" {
			t.Errorf("rule %s: message %+v, legal basis %q, want all set", r.ID, r.Message, r.LegalBasis)
		}
		if !strings.HasPrefix(r.Source, "rules/national.yaml:") {
			t.Errorf("rule %s: Source = %q, want rules/national.yaml:line", r.ID, r.Source)
		}
	}
	want := []string{"BCHQS", "BQLVQG", "CAT", "CHK", "EVN", "SKHCN", "SNNMT", "SVHTTDL", "SXD", "VNR"}
	if got := b.AuthorityCodes(); !slices.Equal(got, want) {
		t.Errorf("AuthorityCodes() = %v, want %v", got, want)
	}
	// Loading is deterministic.
	if v := defaultBook(t).National().Version; v != rs.Version {
		t.Errorf("second load Version = %q, want %q", v, rs.Version)
	}
}

// provinceHeader starts a province file; the rule of each case starts on
// line 4.
const provinceHeader = "schema: 1\nprovince: \"25\"\nrules:\n"

// goodRule is a valid rule; cases break one thing in it.
const goodRule = `  - id: vp-quarry
    kinds: [landuse]
    categories: [SKS]
    effect: consent
    authority: SNNMT
    test: within
    of: footprint
    distance_m: 300
    legal_basis: "Luật Khoáng sản"
    message:
      vi: "Trạm cách mỏ {feature} {distance_m} m"
      en: "Site is {distance_m} m from the quarry {feature}"
`

const (
	viLine = "      vi: \"Trạm cách mỏ {feature} {distance_m} m\"\n"
	enLine = "      en: \"Site is {distance_m} m from the quarry {feature}\"\n"
)

// markedLine returns the 1-based line of the line holding "#!" in s, and s
// without the marker.
func markedLine(t *testing.T, s string) (int, string) {
	t.Helper()
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "#!") {
			return i + 1, strings.Replace(s, "#!", "", 1)
		}
	}
	t.Fatalf("no #! marker in %q", s)
	return 0, ""
}

func TestRuleFileErrors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(goodRule, old) {
			t.Fatalf("goodRule has no %q", old)
		}
		return provinceHeader + strings.Replace(goodRule, old, new, 1)
	}
	tests := []struct {
		name     string
		file     string // province file with a #! marker on the line the error names
		wantPath string
		wantMsg  string
	}{
		{"unknown effect", replace("effect: consent", "effect: forbid #!"), "rules[0].effect", `unknown effect "forbid" (want prohibited, consent, allowed)`},
		{"unknown field", replace("test: within", "test: within\n    colour: red #!"), "rules[0].colour", `unknown field "colour"`},
		{"unknown category code in a rule file", replace("categories: [SKS]", "categories: [SKS, XYZ] #!"), "rules[0].categories[1]", `unknown category code "XYZ" for layer kinds landuse`},
		{"category of another kind", replace("categories: [SKS]", "categories: [road_national] #!"), "rules[0].categories[0]", `unknown category code "road_national"`},
		{"unknown layer kind", replace("kinds: [landuse]", "kinds: [landuse, forest] #!"), "rules[0].kinds[1]", `unknown layer kind "forest"`},
		{"unknown test", replace("test: within", "test: near #!"), "rules[0].test", `unknown test "near" (want inside, within, fall_zone)`},
		{"negative distance", replace("distance_m: 300", "distance_m: -5 #!"), "rules[0].distance_m", "negative distance -5 m"},
		{"distance not a number", replace("distance_m: 300", "distance_m: far #!"), "rules[0].distance_m", `want a number, got "far"`},
		{"negative margin", replace("test: within\n    of: footprint\n    distance_m: 300", "test: fall_zone\n    margin_m: -2 #!"), "rules[0].margin_m", "negative distance -2 m"},
		{"distance on an inside test", replace("test: within\n    of: footprint", "test: inside\n    of: footprint #!"), "rules[0].of", "applies only to test within, not inside"},
		{"within without distance", replace("    distance_m: 300\n", ""), "rules[0].distance_m", "missing field: test within needs a distance"},
		{"missing Vietnamese message", replace(viLine+enLine, enLine[:len(enLine)-1]+" #!\n"), "rules[0].message.vi", "missing message in Vietnamese"},
		{"missing English message", replace(viLine+enLine, viLine[:len(viLine)-1]+" #!\n"), "rules[0].message.en", "missing message in English"},
		{"empty message", replace(`en: "Site is {distance_m} m from the quarry {feature}"`, `en: "" #!`), "rules[0].message.en", "empty value"},
		{"unknown placeholder", replace("{feature} {distance_m} m\"", "{name} m\" #!"), "rules[0].message.vi", "unknown placeholder {name}"},
		{"unknown structure", replace("test: within", "structures: [A3] #!\n    test: within"), "rules[0].structures[0]", `unknown structure class "A3"`},
		{"consent without authority", replace("    authority: SNNMT\n", ""), "rules[0].authority", "missing field: a consent rule names the authority"},
		{"allowed with authority", replace("effect: consent\n    authority: SNNMT", "effect: allowed\n    authority: SNNMT #!"), "rules[0].authority", "an allowed rule names no authority"},
		{"malformed authority code", replace("authority: SNNMT", "authority: Sở NN #!"), "rules[0].authority", `authority code "Sở NN"`},
		{"missing legal basis", replace("    legal_basis: \"Luật Khoáng sản\"\n", ""), "rules[0].legal_basis", "missing field"},
		{"bad rule id", replace("id: vp-quarry", "id: VP Quarry #!"), "rules[0].id", `rule id "VP Quarry"`},
		{"kinds not a list", replace("kinds: [landuse]", "kinds: {a: b} #!"), "rules[0].kinds", "want a list, got a mapping"},
		{"duplicate field", replace("effect: consent", "effect: consent\n    effect: allowed #!"), "rules[0].effect", "duplicate field"},
		{"duplicate rule id", provinceHeader + goodRule + strings.Replace(goodRule, "  - id: vp-quarry", "  - id: vp-quarry #!", 1), "rules[1].id", `duplicate rule id "vp-quarry" (first at line 4)`},
		{"disable an unknown rule", provinceHeader + goodRule + "disable: [tower-sharing, no-such-rule] #!\n", "disable[1]", `unknown rule id "no-such-rule"`},
		{"disable and redefine", provinceHeader + strings.Replace(goodRule, "vp-quarry", "road-corridor", 1) + "disable: [road-corridor] #!\n", "disable[0]", `rule "road-corridor" is both disabled and redefined`},
		{"province without its code", "schema: 1 #!\nrules:\n" + goodRule, "province", "missing field: a province file names its province code"},
		{"province file with categories", provinceHeader + goodRule + "categories: {} #!\n", "categories", `unknown field "categories"`},
		{"wrong schema", "schema: 2 #!\nprovince: \"25\"\nrules:\n" + goodRule, "schema", "unsupported schema 2"},
		{"syntax error: unclosed list", provinceHeader + goodRule + "  - id: [unclosed #!\n", "", "syntax: did not find expected ',' or ']'"},
		// yaml.v3 names the line where the enclosing block began: the rule's.
		{"syntax error: bad indentation", replace("    effect: consent", "   effect: consent"), "", "syntax: did not find expected '-' indicator"},
		{"syntax error: tab", replace("    effect: consent", "\teffect: consent #!"), "", "syntax: found character that cannot start any token"},
		{"empty file", "#!", "", "empty rule file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Without a marker the error names the rule's first line.
			line, text := 4, tt.file
			if strings.Contains(tt.file, "#!") {
				line, text = markedLine(t, tt.file)
			}
			_, err := planning.ParseRuleBook(nationalFile(t), planning.RuleFile{Name: "rules/vinh-phuc.yaml", Data: []byte(text)})
			if err == nil {
				t.Fatalf("ParseRuleBook(%q) error = nil, want %s: %s", text, tt.wantPath, tt.wantMsg)
			}
			if planning.KindOf(err) != planning.Invalid {
				t.Errorf("KindOf(%v) = %v, want Invalid", err, planning.KindOf(err))
			}
			found := false
			for _, re := range planning.RuleErrors(err) {
				if re.File == "rules/vinh-phuc.yaml" && re.Line == line && re.Path == tt.wantPath && strings.Contains(re.Msg, tt.wantMsg) {
					found = true
				}
			}
			if !found {
				t.Errorf("ParseRuleBook error = %v\nwant rules/vinh-phuc.yaml:%d: %s: ...%s...", err, line, tt.wantPath, tt.wantMsg)
			}
		})
	}
}

func TestRuleErrorFormat(t *testing.T) {
	// The issue's own example: the fourth rule, its effect on line 42.
	short := "  - {id: vp-%s, kinds: [landuse], effect: allowed, test: inside, legal_basis: x, message: {vi: a, en: b}}\n"
	file := provinceHeader
	for _, id := range []string{"a", "b", "c"} {
		file += strings.Replace(short, "%s", id, 1)
	}
	// Lines 1-3 header, 4-6 short rules; the fourth rule's effect is its
	// fourth line, so 32 lines of padding put it on line 42.
	file += strings.Repeat("  # padding\n", 32) + strings.Replace(goodRule, "effect: consent", "effect: forbid", 1)
	_, err := planning.ParseRuleBook(nationalFile(t), planning.RuleFile{Name: "rules/vinh-phuc.yaml", Data: []byte(file)})
	res := planning.RuleErrors(err)
	if len(res) != 1 {
		t.Fatalf("RuleErrors(%v) has %d errors, want 1", err, len(res))
	}
	want := `rules/vinh-phuc.yaml:42: rules[3].effect: unknown effect "forbid" (want prohibited, consent, allowed)`
	if got := res[0].Error(); got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err.Error() = %q, want it to contain %q", err.Error(), want)
	}
}

func TestNationalFileErrors(t *testing.T) {
	base := "schema: 1\n" + // 1
		"categories:\n" + // 2
		"  landuse:\n" + // 3
		"    - {code: LUC, group: NNP, vi: \"Đất chuyên trồng lúa\", en: rice}\n" + // 4
		"  corridor:\n" + // 5
		"    - {code: road_national, vi: \"Quốc lộ\", en: national road}\n" + // 6
		"rules: []\n" // 7
	if _, err := planning.ParseRuleBook(planning.RuleFile{Name: "rules/national.yaml", Data: []byte(base)}); err != nil {
		t.Fatalf("ParseRuleBook(base) error = %v, want nil", err)
	}
	tests := []struct {
		name     string
		file     string
		wantLine int
		wantPath string
		wantMsg  string
	}{
		{"land-use code not three letters", strings.Replace(base, "code: LUC,", "code: LUCX,", 1), 4, "categories.landuse[0].code", `land-use code "LUCX" is not three capital letters`},
		{"unknown land-use group", strings.Replace(base, "group: NNP", "group: XXX", 1), 4, "categories.landuse[0].group", `unknown land-use group "XXX"`},
		{"duplicate category code", strings.Replace(base, "  corridor:", "    - {code: LUC, group: NNP, vi: a, en: b}\n  corridor:", 1), 5, "categories.landuse[1].code", `duplicate category code "LUC" (first at line 4)`},
		{"unknown layer kind in categories", strings.Replace(base, "  corridor:", "  forest:\n    - {code: x, vi: a, en: b}\n  corridor:", 1), 5, "categories.forest", `unknown field "forest"`},
		{"missing category name", strings.Replace(base, `vi: "Quốc lộ", `, "", 1), 6, "categories.corridor[0].vi", "missing field"},
		{"province field in the national file", base + "province: \"25\"\n", 8, "province", `unknown field "province"`},
		{"missing rules", strings.Replace(base, "rules: []\n", "", 1), 1, "rules", "missing field"},
		{"missing categories", "schema: 1\nrules: []\n", 1, "categories", "missing field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planning.ParseRuleBook(planning.RuleFile{Name: "rules/national.yaml", Data: []byte(tt.file)})
			found := false
			for _, re := range planning.RuleErrors(err) {
				if re.File == "rules/national.yaml" && re.Line == tt.wantLine && re.Path == tt.wantPath && strings.Contains(re.Msg, tt.wantMsg) {
					found = true
				}
			}
			if !found {
				t.Errorf("ParseRuleBook error = %v\nwant rules/national.yaml:%d: %s: ...%s...", err, tt.wantLine, tt.wantPath, tt.wantMsg)
			}
		})
	}
}

func TestRuleFileJSON(t *testing.T) {
	// JSON is YAML too: the same loader reads it and still names lines.
	good := `{"schema": 1, "province": "25", "rules": [
  {"id": "vp-quarry", "kinds": ["landuse"], "categories": ["SKS"], "effect": "consent",
   "authority": "SNNMT", "test": "within", "distance_m": 300, "legal_basis": "Luật Khoáng sản",
   "message": {"vi": "Cách mỏ {distance_m} m", "en": "{distance_m} m from the quarry"}}]}`
	b, err := planning.ParseRuleBook(nationalFile(t), planning.RuleFile{Name: "25.json", Data: []byte(good)})
	if err != nil {
		t.Fatalf("ParseRuleBook(json) error = %v, want nil", err)
	}
	if _, ok := b.RuleSet(province).Rule("vp-quarry"); !ok {
		t.Errorf("RuleSet(%q).Rule(vp-quarry) missing, want the JSON rule", province)
	}
	bad := strings.Replace(good, `"distance_m": 300`, `"distance_m": -1`, 1)
	_, err = planning.ParseRuleBook(nationalFile(t), planning.RuleFile{Name: "25.json", Data: []byte(bad)})
	res := planning.RuleErrors(err)
	if len(res) != 1 || res[0].Line != 3 || res[0].Path != "rules[0].distance_m" {
		t.Errorf("ParseRuleBook(bad json) errors = %v, want one at 25.json:3: rules[0].distance_m", err)
	}
}

func nationalFile(t testing.TB) planning.RuleFile {
	t.Helper()
	data, err := fs.ReadFile(planning.DefaultRuleFiles(), "national.yaml")
	if err != nil {
		t.Fatalf("read embedded national.yaml: %v", err)
	}
	return planning.RuleFile{Name: "rules/national.yaml", Data: data}
}

const provinceOverride = `schema: 1
province: "25"
description: Phú Thọ — quy hoạch hạ tầng viễn thông thụ động
disable: [tower-sharing]
rules:
  # Wider road corridor along the mountain passes.
  - id: road-corridor
    kinds: [corridor]
    categories: [road_national, road_provincial]
    effect: consent
    authority: SXD
    test: within
    of: footprint
    distance_m: 30
    legal_basis: "Nghị định 165/2024/NĐ-CP; quyết định của UBND tỉnh"
    message:
      vi: "Móng trạm cách {feature} {distance_m} m, trong phạm vi {limit_m} m"
      en: "Footprint is {distance_m} m from {feature}, within {limit_m} m"
` + goodRule

func TestProvinceOverride(t *testing.T) {
	provinces := fstest.MapFS{
		"rules/phu-tho.yaml": {Data: []byte(provinceOverride)},
		"rules/README.txt":   {Data: []byte("not a rule file")},
	}
	b, err := planning.LoadRuleBook(provinces)
	if err != nil {
		t.Fatalf("LoadRuleBook error = %v, want nil", err)
	}
	nat, prov := b.National(), b.RuleSet(province)
	if prov == nat || prov.Province != province {
		t.Fatalf("RuleSet(%q) = %+v, want the province's own set", province, prov)
	}
	if got := b.RuleSet("99"); got != nat {
		t.Errorf("RuleSet(99) = %v, want the national set for a province without a file", got.Version)
	}
	if !slices.Equal(b.Provinces(), []string{province}) {
		t.Errorf("Provinces() = %v, want [%s]", b.Provinces(), province)
	}
	r, _ := prov.Rule("road-corridor")
	if r.DistanceM != 30 || r.Source != "rules/phu-tho.yaml:7" {
		t.Errorf("province road-corridor = %g m from %s, want 30 m from rules/phu-tho.yaml:7", r.DistanceM, r.Source)
	}
	if r, _ := nat.Rule("road-corridor"); r.DistanceM != 20 {
		t.Errorf("national road-corridor = %g m, want 20 m (a province must not change the default)", r.DistanceM)
	}
	if _, ok := prov.Rule("tower-sharing"); ok {
		t.Errorf("province set has tower-sharing, want it disabled")
	}
	if _, ok := nat.Rule("tower-sharing"); !ok {
		t.Errorf("national set lacks tower-sharing, want it kept")
	}
	if _, ok := prov.Rule("vp-quarry"); !ok {
		t.Errorf("province set lacks vp-quarry, want the added rule")
	}
	if len(prov.Rules) != len(nat.Rules) {
		t.Errorf("province rules = %d, want %d (one disabled, one added)", len(prov.Rules), len(nat.Rules))
	}
	if !strings.HasPrefix(prov.Version, province+"@") || prov.Version == nat.Version {
		t.Errorf("province Version = %q, want %s@… different from %s", prov.Version, province, nat.Version)
	}
	if !slices.Equal(prov.Files, []string{"rules/national.yaml", "rules/phu-tho.yaml"}) {
		t.Errorf("province Files = %v, want national then phu-tho", prov.Files)
	}

	version := func(text string) string {
		t.Helper()
		b, err := planning.LoadRuleBook(fstest.MapFS{"p.yaml": {Data: []byte(text)}})
		if err != nil {
			t.Fatalf("LoadRuleBook error = %v", err)
		}
		return b.RuleSet(province).Version
	}
	if v := version("# a comment moves every rule down a line\n" + provinceOverride); v != prov.Version {
		t.Errorf("Version after moving rules = %q, want unchanged %q", v, prov.Version)
	}
	if v := version(strings.Replace(provinceOverride, "distance_m: 30", "distance_m: 31", 1)); v == prov.Version {
		t.Errorf("Version after changing a distance = %q, want a new version", v)
	}
	if v := version(strings.Replace(provinceOverride, "Móng trạm cách", "Chân cột cách", 1)); v == prov.Version {
		t.Errorf("Version after changing a message = %q, want a new version", v)
	}
}

func TestDuplicateProvinceFiles(t *testing.T) {
	_, err := planning.LoadRuleBook(fstest.MapFS{
		"a.yaml": {Data: []byte(provinceHeader + goodRule)},
		"b.yaml": {Data: []byte(provinceHeader + goodRule)},
	})
	res := planning.RuleErrors(err)
	if len(res) != 1 || res[0].File != "b.yaml" || res[0].Line != 2 || !strings.Contains(res[0].Msg, "already has a rule file: a.yaml") {
		t.Errorf("LoadRuleBook(two files for one province) error = %v, want b.yaml:2 naming a.yaml", err)
	}
}

func TestCheckAuthorities(t *testing.T) {
	b := defaultBook(t)
	known := func(code string) (bool, error) { return code != "CAT", nil }
	err := b.CheckAuthorities(known)
	if planning.KindOf(err) != planning.Invalid {
		t.Fatalf("CheckAuthorities(without CAT) = %v, want Invalid", err)
	}
	res := planning.RuleErrors(err)
	if len(res) != 2 {
		t.Fatalf("CheckAuthorities errors = %v, want 2 (can-inside, security-inside)", err)
	}
	for _, re := range res {
		if re.File != "rules/national.yaml" || re.Line == 0 || !strings.HasSuffix(re.Path, ".authority") || re.Msg != `unknown authority code "CAT"` {
			t.Errorf("error %q, want rules/national.yaml:N: rules[i].authority: unknown authority code \"CAT\"", re)
		}
	}
	if err := b.CheckAuthorities(func(string) (bool, error) { return true, nil }); err != nil {
		t.Errorf("CheckAuthorities(all known) = %v, want nil", err)
	}
	boom := planning.Errorf(planning.Unavailable, "database down")
	if err := b.CheckAuthorities(func(string) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("CheckAuthorities(failing lookup) = %v, want it to wrap %v", err, boom)
	}
}

func TestReadmeExampleLoads(t *testing.T) {
	readme, err := os.ReadFile("rules/README.md")
	if err != nil {
		t.Fatalf("read rules/README.md: %v", err)
	}
	_, after, ok := strings.Cut(string(readme), "## Example province override\n\n```yaml\n")
	example, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatalf("rules/README.md has no example province override block")
	}
	b, err := planning.LoadRuleBook(fstest.MapFS{"rules/phu-tho.yaml": {Data: []byte(example)}})
	if err != nil {
		t.Fatalf("README example: %v", err)
	}
	rs := b.RuleSet("25")
	if r, _ := rs.Rule("road-corridor"); r.DistanceM != 30 {
		t.Errorf("README example road-corridor = %g m, want 30 m", r.DistanceM)
	}
	if _, ok := rs.Rule("pt-tower-spacing"); !ok {
		t.Errorf("README example lacks pt-tower-spacing")
	}
}
