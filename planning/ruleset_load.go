package planning

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The national default rule set ships inside the binary so that a fresh
// deployment has rules before any province writes its own.
//
//go:embed rules/*.yaml
var defaultRules embed.FS

const (
	nationalRuleFile = "national.yaml"
	ruleSchema       = 1
	maxRuleErrors    = 100 // a broken file stops being reported after this many errors
)

// DefaultRuleFiles returns the embedded default rule files (planning/rules).
func DefaultRuleFiles() fs.FS {
	sub, err := fs.Sub(defaultRules, "rules")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "rules" is valid.
		return defaultRules
	}
	return sub
}

// RuleFile is one rule file: the name errors give and the YAML (or JSON) text.
type RuleFile struct {
	Name string
	Data []byte
}

// LoadRuleBook loads the embedded national default (rules/national.yaml)
// and every province file (*.yaml, *.yml, *.json, any depth, in path order)
// of provinces, which may be nil. Errors are Invalid; RuleErrors lists
// each mistake with its file, line and field.
func LoadRuleBook(provinces fs.FS) (*RuleBook, error) {
	data, err := fs.ReadFile(DefaultRuleFiles(), nationalRuleFile)
	if err != nil {
		return nil, &Error{Op: "load rules", Kind: Internal, Err: err}
	}
	national := RuleFile{Name: "rules/" + nationalRuleFile, Data: data}
	var files []RuleFile
	if provinces != nil {
		err := fs.WalkDir(provinces, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch path.Ext(p) {
			case ".yaml", ".yml", ".json":
			default:
				return nil
			}
			if d.IsDir() {
				return nil
			}
			b, err := fs.ReadFile(provinces, p)
			if err != nil {
				return err
			}
			files = append(files, RuleFile{Name: p, Data: b})
			return nil
		})
		if err != nil {
			return nil, &Error{Op: "load rules", Kind: Invalid, Err: fmt.Errorf("read province rule files: %w", err)}
		}
	}
	return ParseRuleBook(national, files...)
}

// ParseRuleBook validates the national rule file and the province files
// and merges each province file over the national set. Errors are Invalid;
// RuleErrors lists each mistake with its file, line and field.
func ParseRuleBook(national RuleFile, provinces ...RuleFile) (*RuleBook, error) {
	var errs []error
	nd := &fileDecoder{file: national.Name}
	nat := nd.decodeFile(national.Data, nil)
	errs = append(errs, nd.errs...)
	if nat == nil || len(nd.errs) > 0 {
		return nil, loadError(errs)
	}
	book := &RuleBook{
		categories:  nat.categories,
		provinces:   map[string]*RuleSet{},
		authorities: nat.authorities,
	}
	book.national = newRuleSet("", nat.rules, book.categories, []RuleFile{national})

	byID := map[string]Rule{}
	for _, r := range nat.rules {
		byID[r.ID] = r
	}
	provinceFile := map[string]string{}
	for _, f := range provinces {
		d := &fileDecoder{file: f.Name}
		pf := d.decodeFile(f.Data, &nationalContext{categories: nat.categories, rules: byID})
		errs = append(errs, d.errs...)
		if pf == nil || len(d.errs) > 0 {
			continue
		}
		if first, dup := provinceFile[pf.province]; dup {
			errs = append(errs, &RuleError{File: f.Name, Line: pf.provinceLine, Path: "province",
				Msg: fmt.Sprintf("province %q already has a rule file: %s", pf.province, first)})
			continue
		}
		provinceFile[pf.province] = f.Name
		merged := map[string]Rule{}
		for id, r := range byID {
			merged[id] = r
		}
		for _, id := range pf.disable {
			delete(merged, id)
		}
		for _, r := range pf.rules {
			merged[r.ID] = r
		}
		rules := make([]Rule, 0, len(merged))
		for _, r := range merged {
			rules = append(rules, r)
		}
		book.provinces[pf.province] = newRuleSet(pf.province, rules, book.categories, []RuleFile{national, f})
		book.authorities = append(book.authorities, pf.authorities...)
	}
	if len(errs) > 0 {
		return nil, loadError(errs)
	}
	return book, nil
}

func loadError(errs []error) error {
	if len(errs) > maxRuleErrors {
		errs = append(errs[:maxRuleErrors], fmt.Errorf("and %d more errors", len(errs)-maxRuleErrors))
	}
	return &Error{Op: "load rules", Kind: Invalid, Err: errors.Join(errs...)}
}

func newRuleSet(province string, rules []Rule, cats map[string]map[string]Category, sources []RuleFile) *RuleSet {
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	files := make([]string, len(sources))
	for i, f := range sources {
		files[i] = f.Name
	}
	rs := &RuleSet{Province: province, Rules: rules, Files: files, Sources: sources, categories: cats}
	rs.Version = ruleSetVersion(province, rules, cats)
	return rs
}

// ruleSetVersion hashes everything that can change a finding: the rules
// (without their source positions, so moving a rule in its file keeps the
// version) and the categories whose names messages quote. The text hashed
// is canonical: fixed field order, quoted strings, shortest exact floats.
func ruleSetVersion(province string, rules []Rule, cats map[string]map[string]Category) string {
	h := sha256.New()
	w := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(strconv.Quote(p)))
			h.Write([]byte{' '})
		}
		h.Write([]byte{'\n'})
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	w("schema", strconv.Itoa(ruleSchema), "province", province)
	kinds := make([]string, 0, len(cats))
	for k := range cats {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		codes := make([]string, 0, len(cats[k]))
		for c := range cats[k] {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, code := range codes {
			c := cats[k][code]
			w("category", k, c.Code, c.Group, strconv.FormatBool(c.Legacy), c.Name.VI, c.Name.EN)
		}
	}
	for _, r := range rules {
		structures := make([]string, len(r.Structures))
		for i, st := range r.Structures {
			structures[i] = string(st)
		}
		w("rule", r.ID)
		w(append([]string{"kinds"}, r.Kinds...)...)
		w(append([]string{"categories"}, r.Categories...)...)
		w(append([]string{"structures"}, structures...)...)
		w("effect", string(r.Effect), r.Authority, string(r.Test), r.Of,
			num(r.DistanceM), num(r.MarginM), num(r.BeamHalfWidthDeg), num(r.MaxHeightM))
		w("text", r.LegalBasis, r.Message.VI, r.Message.EN)
		if g := r.GapFill; g != nil {
			covers := "any"
			if g.CoversGapVillage != nil {
				covers = strconv.FormatBool(*g.CoversGapVillage)
			}
			w("gap_fill", covers, num(g.ShareableTowerWithinM))
		}
	}
	sum := h.Sum(nil)
	prefix := province
	if prefix == "" {
		prefix = "national"
	}
	return prefix + "@" + hex.EncodeToString(sum[:8])
}

// nationalContext is what a province file is checked against.
type nationalContext struct {
	categories map[string]map[string]Category
	rules      map[string]Rule
}

// decodedFile is a rule file after validation.
type decodedFile struct {
	province     string
	provinceLine int
	categories   map[string]map[string]Category
	rules        []Rule
	disable      []string
	authorities  []authorityUse
}

// fileDecoder walks a yaml.v3 node tree by hand, rather than decoding into
// tagged structs, so that every error names the line and the field path.
type fileDecoder struct {
	file string
	errs []error
}

func (d *fileDecoder) fail(n *yaml.Node, p, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &RuleError{File: d.file, Line: line, Path: p, Msg: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// lineOfBadByte returns the 1-based line of the first byte of data that
// YAML refuses outright: invalid UTF-8, or a control character other than
// tab and line breaks. It returns 1 when there is none.
func lineOfBadByte(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r == 0x7f:
			return line
		case r == '\n':
			line++
		}
		i += size
	}
	return 1
}

// decodeFile decodes a national file (nat == nil) or a province file.
func (d *fileDecoder) decodeFile(data []byte, nat *nationalContext) *decodedFile {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
		// yaml.v3 numbers scanner errors from 1 but parser errors (all
		// "did not find expected ...") from 0: it quotes the 0-based mark
		// of the construct the parser was in.
		if strings.HasPrefix(msg, "did not find expected") {
			line++
		}
		if line == 0 {
			// "control characters are not allowed", "invalid leading
			// UTF-8 octet": yaml.v3 gives no line, the first bad byte has one.
			line = lineOfBadByte(data)
		}
		// At the end of the file the parser may name the line after the
		// last one.
		line = min(max(line, 1), bytes.Count(data, []byte("\n"))+1)
		d.errs = append(d.errs, &RuleError{File: d.file, Line: line, Msg: "syntax: " + msg})
		return nil
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		d.errs = append(d.errs, &RuleError{File: d.file, Line: 1, Msg: "empty rule file"})
		return nil
	}
	doc := root.Content[0]
	allowed := []string{"schema", "description", "categories", "rules"}
	if nat != nil {
		allowed = []string{"schema", "description", "province", "disable", "rules"}
	}
	fields := d.mapping(doc, "", allowed...)
	if fields == nil {
		return nil
	}
	out := &decodedFile{}
	if f, ok := fields["schema"]; !ok {
		d.fail(doc, "schema", "missing field (want %d)", ruleSchema)
	} else if v, ok := d.number(f, "schema"); ok && v != ruleSchema {
		d.fail(f.val, "schema", "unsupported schema %v (want %d)", v, ruleSchema)
	}
	if f, ok := fields["description"]; ok {
		d.str(f, "description")
	}

	if nat == nil {
		if f, ok := fields["categories"]; ok {
			out.categories = d.categories(f)
		} else {
			d.fail(doc, "categories", "missing field: the national file lists the category codes")
		}
		if out.categories == nil {
			out.categories = map[string]map[string]Category{}
		}
	} else {
		out.categories = nat.categories
		if f, ok := fields["province"]; !ok {
			d.fail(doc, "province", "missing field: a province file names its province code")
		} else if v, ok := d.str(f, "province"); ok {
			out.province, out.provinceLine = v, f.val.Line
		}
	}

	redefined := map[string]bool{}
	if f, ok := fields["rules"]; ok {
		items := d.sequence(f.val, "rules")
		seen := map[string]int{}
		for i, n := range items {
			p := fmt.Sprintf("rules[%d]", i)
			r, uses := d.rule(n, p, out.categories)
			if r == nil {
				continue
			}
			if line, dup := seen[r.ID]; dup {
				d.fail(n, p+".id", "duplicate rule id %q (first at line %d)", r.ID, line)
				continue
			}
			seen[r.ID] = n.Line
			redefined[r.ID] = true
			out.rules = append(out.rules, *r)
			out.authorities = append(out.authorities, uses...)
		}
	} else if nat == nil {
		d.fail(doc, "rules", "missing field")
	}

	if f, ok := fields["disable"]; ok {
		for i, n := range d.sequence(f.val, "disable") {
			p := fmt.Sprintf("disable[%d]", i)
			id, ok := d.scalar(n, p)
			if !ok {
				continue
			}
			switch {
			case nat.rules[id].ID == "":
				d.fail(n, p, "unknown rule id %q: the national set has no such rule", id)
			case redefined[id]:
				d.fail(n, p, "rule %q is both disabled and redefined in this file", id)
			case slices.Contains(out.disable, id):
				d.fail(n, p, "rule %q is disabled twice", id)
			default:
				out.disable = append(out.disable, id)
			}
		}
	}
	return out
}

// field is one key of a mapping with its value.
type field struct{ key, val *yaml.Node }

// mapping checks that n is a mapping whose keys are all in allowed and
// unique, and returns them; nil after reporting an error.
func (d *fileDecoder) mapping(n *yaml.Node, p string, allowed ...string) map[string]field {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, p, "want a mapping, got %s", kindName(n))
		return nil
	}
	out := map[string]field{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.fail(k, p, "want a plain key, got %s", kindName(k))
			continue
		}
		kp := joinPath(p, k.Value)
		if !slices.Contains(allowed, k.Value) {
			d.fail(k, kp, "unknown field %q (want one of %s)", k.Value, strings.Join(allowed, ", "))
			continue
		}
		if prev, dup := out[k.Value]; dup {
			d.fail(k, kp, "duplicate field (first at line %d)", prev.key.Line)
			continue
		}
		out[k.Value] = field{k, v}
	}
	return out
}

func (d *fileDecoder) sequence(n *yaml.Node, p string) []*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.fail(n, p, "want a list, got %s", kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

// scalar returns a non-empty scalar's text. Codes such as a province "26"
// may be written unquoted, so numbers are accepted as text.
func (d *fileDecoder) scalar(n *yaml.Node, p string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.fail(n, p, "want a text value, got %s", kindName(n))
		return "", false
	}
	v := strings.TrimSpace(n.Value)
	if v == "" {
		d.fail(n, p, "empty value")
		return "", false
	}
	return v, true
}

func (d *fileDecoder) str(f field, p string) (string, bool) { return d.scalar(f.val, p) }

func (d *fileDecoder) strList(f field, p string) ([]string, []*yaml.Node) {
	var vals []string
	var nodes []*yaml.Node
	items := d.sequence(f.val, p)
	if items != nil && len(items) == 0 {
		d.fail(f.val, p, "empty list")
	}
	for i, n := range items {
		if v, ok := d.scalar(n, fmt.Sprintf("%s[%d]", p, i)); ok {
			vals = append(vals, v)
			nodes = append(nodes, n)
		}
	}
	return vals, nodes
}

func (d *fileDecoder) number(f field, p string) (float64, bool) {
	n := f.val
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		d.fail(n, p, "want a number, got %s", kindName(n))
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.fail(n, p, "want a finite number, got %q", n.Value)
		return 0, false
	}
	return v, true
}

func (d *fileDecoder) boolean(f field, p string) (bool, bool) {
	n := f.val
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.fail(n, p, "want true or false, got %s", kindName(n))
		return false, false
	}
	v, err := strconv.ParseBool(n.Value)
	if err != nil {
		d.fail(n, p, "want true or false, got %q", n.Value)
		return false, false
	}
	return v, true
}

var (
	ruleIDPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	landUsePattern   = regexp.MustCompile(`^[A-Z]{3}$`)
	categoryPattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	authorityPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_-]*$`)
	landUseGroups    = []string{"NNP", "PNN", "CSD"}
)

func (d *fileDecoder) categories(f field) map[string]map[string]Category {
	fields := d.mapping(f.val, "categories", LayerKinds...)
	out := map[string]map[string]Category{}
	for _, kind := range LayerKinds {
		kf, ok := fields[kind]
		if !ok {
			continue
		}
		m := map[string]Category{}
		lines := map[string]int{}
		for i, n := range d.sequence(kf.val, "categories."+kind) {
			p := fmt.Sprintf("categories.%s[%d]", kind, i)
			cf := d.mapping(n, p, "code", "vi", "en", "group", "legacy")
			if cf == nil {
				continue
			}
			var c Category
			ok := true
			for _, req := range []string{"code", "vi", "en"} {
				if _, has := cf[req]; !has {
					d.fail(n, joinPath(p, req), "missing field")
					ok = false
				}
			}
			if !ok {
				continue
			}
			c.Code, ok = d.str(cf["code"], p+".code")
			if !ok {
				continue
			}
			c.Name.VI, _ = d.str(cf["vi"], p+".vi")
			c.Name.EN, _ = d.str(cf["en"], p+".en")
			if kind == KindLandUse {
				if !landUsePattern.MatchString(c.Code) {
					d.fail(cf["code"].val, p+".code", "land-use code %q is not three capital letters", c.Code)
				}
				g, has := cf["group"]
				if !has {
					d.fail(n, p+".group", "missing field (want %s)", strings.Join(landUseGroups, ", "))
				} else if c.Group, ok = d.str(g, p+".group"); ok && !slices.Contains(landUseGroups, c.Group) {
					d.fail(g.val, p+".group", "unknown land-use group %q (want %s)", c.Group, strings.Join(landUseGroups, ", "))
				}
			} else {
				if !categoryPattern.MatchString(c.Code) {
					d.fail(cf["code"].val, p+".code", "category code %q has characters other than letters, digits, _ and -", c.Code)
				}
				if g, has := cf["group"]; has {
					d.fail(g.key, p+".group", "only landuse categories have a group")
				}
			}
			if lf, has := cf["legacy"]; has {
				c.Legacy, _ = d.boolean(lf, p+".legacy")
			}
			if line, dup := lines[c.Code]; dup {
				d.fail(cf["code"].val, p+".code", "duplicate category code %q (first at line %d)", c.Code, line)
				continue
			}
			lines[c.Code] = cf["code"].val.Line
			m[c.Code] = c
		}
		out[kind] = m
	}
	return out
}

// messagePlaceholders are the values a rule message may quote.
var messagePlaceholders = []string{
	"feature",       // the feature's name, or its category name and id
	"layer",         // the layer name
	"category",      // the category code
	"category_name", // the category name in the message's language
	"distance_m",    // distance from the site (or footprint) to the feature, m
	"radius_m",      // the rule's test radius: distance_m of the rule, or the fall zone
	"limit_m",       // the limit broken: the height limit, else the test radius
	"excess_m",      // by how much the limit is broken, m
	"overlap_m2",    // footprint area inside the feature, m²
	"height_m",      // the structure height, m
	"authority",     // the rule's authority code
	// Gap-fill rules: {feature} is the nearest shareable tower
	// (carrier/site code) and {distance_m} its distance.
	"tower_height_m",         // that tower's height, m
	"villages_newly_covered", // how many gap villages the site newly covers
}

var ruleFields = []string{
	"id", "kinds", "categories", "structures", "effect", "authority", "test", "of",
	"distance_m", "margin_m", "beam_half_width_deg", "max_height_m", "legal_basis", "message",
	"gap_fill",
}

// zoneOnlyFields are the rule fields that test zones, which a gap-fill
// rule may not have.
var zoneOnlyFields = []string{"kinds", "categories", "test", "of", "distance_m", "margin_m", "beam_half_width_deg"}

// rule decodes and validates one rule; nil after reporting errors.
func (d *fileDecoder) rule(n *yaml.Node, p string, cats map[string]map[string]Category) (*Rule, []authorityUse) {
	before := len(d.errs)
	f := d.mapping(n, p, ruleFields...)
	if f == nil {
		return nil, nil
	}
	r := &Rule{Source: fmt.Sprintf("%s:%d", d.file, n.Line)}
	required := []string{"id", "kinds", "effect", "test", "legal_basis", "message"}
	if g, ok := f["gap_fill"]; ok {
		required = []string{"id", "effect", "legal_basis", "message"}
		for _, name := range zoneOnlyFields {
			if v, has := f[name]; has {
				d.fail(v.key, p+"."+name, "a gap_fill rule tests the gap fill, not zones: remove %s", name)
			}
		}
		r.GapFill = d.gapFillCondition(g, p+".gap_fill")
	}
	for _, req := range required {
		if _, ok := f[req]; !ok {
			d.fail(n, joinPath(p, req), "missing field")
		}
	}
	if v, ok := f["id"]; ok {
		if r.ID, ok = d.str(v, p+".id"); ok && !ruleIDPattern.MatchString(r.ID) {
			d.fail(v.val, p+".id", "rule id %q: want lower-case letters, digits, '.', '_' and '-'", r.ID)
		}
	}
	if v, ok := f["kinds"]; ok {
		kinds, nodes := d.strList(v, p+".kinds")
		for i, k := range kinds {
			if !slices.Contains(LayerKinds, k) {
				d.fail(nodes[i], fmt.Sprintf("%s.kinds[%d]", p, i), "unknown layer kind %q (want %s)", k, strings.Join(LayerKinds, ", "))
				continue
			}
			r.Kinds = append(r.Kinds, k)
		}
	}
	if v, ok := f["categories"]; ok {
		codes, nodes := d.strList(v, p+".categories")
		for i, c := range codes {
			known := false
			for _, k := range r.Kinds {
				if _, ok := cats[k][c]; ok {
					known = true
				}
			}
			if !known && len(r.Kinds) > 0 {
				d.fail(nodes[i], fmt.Sprintf("%s.categories[%d]", p, i), "unknown category code %q for layer kinds %s", c, strings.Join(r.Kinds, ", "))
				continue
			}
			r.Categories = append(r.Categories, c)
		}
	}
	if v, ok := f["structures"]; ok {
		vals, nodes := d.strList(v, p+".structures")
		for i, s := range vals {
			if !Structure(s).Valid() {
				d.fail(nodes[i], fmt.Sprintf("%s.structures[%d]", p, i), "unknown structure class %q (want %s)", s, structureNames())
				continue
			}
			r.Structures = append(r.Structures, Structure(s))
		}
	}
	if v, ok := f["effect"]; ok {
		if s, ok := d.str(v, p+".effect"); ok {
			r.Effect = Effect(s)
			if !slices.Contains(Effects, r.Effect) {
				d.fail(v.val, p+".effect", "unknown effect %q (want prohibited, consent, allowed)", s)
			}
		}
	}
	var uses []authorityUse
	if v, ok := f["authority"]; ok {
		if s, ok := d.str(v, p+".authority"); ok {
			switch {
			case r.Effect == Allowed:
				d.fail(v.key, p+".authority", "an allowed rule names no authority")
			case !authorityPattern.MatchString(s):
				d.fail(v.val, p+".authority", "authority code %q: want capital letters and digits such as SNNMT", s)
			default:
				r.Authority = s
				uses = append(uses, authorityUse{code: s, at: RuleError{File: d.file, Line: v.val.Line, Path: p + ".authority"}})
			}
		}
	} else if r.Effect == Consent {
		d.fail(n, p+".authority", "missing field: a consent rule names the authority that must consent")
	}
	if v, ok := f["test"]; ok {
		if s, ok := d.str(v, p+".test"); ok {
			r.Test = Test(s)
			if !slices.Contains(Tests, r.Test) {
				d.fail(v.val, p+".test", "unknown test %q (want inside, within, fall_zone)", s)
			}
		}
	}
	onlyFor := func(name string, t Test) (field, bool) {
		v, ok := f[name]
		if ok && r.Test != t && slices.Contains(Tests, r.Test) {
			d.fail(v.key, p+"."+name, "applies only to test %s, not %s", t, r.Test)
			return v, false
		}
		return v, ok
	}
	if v, ok := onlyFor("of", TestWithin); ok {
		if s, ok := d.str(v, p+".of"); ok {
			if s != OfSite && s != OfFootprint {
				d.fail(v.val, p+".of", "unknown reference %q (want site, footprint)", s)
			}
			r.Of = s
		}
	} else if r.Test == TestWithin {
		r.Of = OfSite
	}
	if v, ok := onlyFor("distance_m", TestWithin); ok {
		if x, ok := d.number(v, p+".distance_m"); ok {
			switch {
			case x < 0:
				d.fail(v.val, p+".distance_m", "negative distance %g m", x)
			case x == 0:
				d.fail(v.val, p+".distance_m", "zero distance: use test inside")
			}
			r.DistanceM = x
		}
	} else if r.Test == TestWithin {
		d.fail(n, p+".distance_m", "missing field: test within needs a distance")
	}
	if v, ok := onlyFor("margin_m", TestFallZone); ok {
		if x, ok := d.number(v, p+".margin_m"); ok {
			if x < 0 {
				d.fail(v.val, p+".margin_m", "negative distance %g m", x)
			}
			r.MarginM = x
		}
	}
	if v, ok := onlyFor("beam_half_width_deg", TestWithin); ok {
		if x, ok := d.number(v, p+".beam_half_width_deg"); ok {
			if x <= 0 || x > 180 {
				d.fail(v.val, p+".beam_half_width_deg", "%g° is outside (0, 180]", x)
			}
			r.BeamHalfWidthDeg = x
		}
	}
	if v, ok := f["max_height_m"]; ok {
		if x, ok := d.number(v, p+".max_height_m"); ok {
			if x <= 0 {
				d.fail(v.val, p+".max_height_m", "height limit %g m must be above 0", x)
			}
			r.MaxHeightM = x
		}
	}
	if v, ok := f["legal_basis"]; ok {
		r.LegalBasis, _ = d.str(v, p+".legal_basis")
	}
	if v, ok := f["message"]; ok {
		mf := d.mapping(v.val, p+".message", "vi", "en")
		if mf != nil {
			for _, lang := range []string{"vi", "en"} {
				lv, has := mf[lang]
				if !has {
					d.fail(v.val, p+".message."+lang, "missing message in %s", langName(lang))
					continue
				}
				s, ok := d.str(lv, p+".message."+lang)
				if !ok {
					continue
				}
				if err := checkPlaceholders(s); err != nil {
					d.fail(lv.val, p+".message."+lang, "%v", err)
				}
				if lang == "vi" {
					r.Message.VI = s
				} else {
					r.Message.EN = s
				}
			}
		}
	}
	if len(d.errs) > before {
		return nil, nil
	}
	return r, uses
}

// gapFillCondition decodes a rule's gap_fill condition.
func (d *fileDecoder) gapFillCondition(f field, p string) *GapFillCondition {
	fields := d.mapping(f.val, p, "covers_gap_village", "shareable_tower_within_m")
	if fields == nil {
		return nil
	}
	g := &GapFillCondition{}
	if v, ok := fields["covers_gap_village"]; ok {
		if b, ok := d.boolean(v, p+".covers_gap_village"); ok {
			g.CoversGapVillage = &b
		}
	}
	if v, ok := fields["shareable_tower_within_m"]; ok {
		if x, ok := d.number(v, p+".shareable_tower_within_m"); ok {
			if x <= 0 {
				d.fail(v.val, p+".shareable_tower_within_m", "distance %g m must be above 0", x)
			}
			g.ShareableTowerWithinM = x
		}
	}
	if len(fields) == 0 {
		d.fail(f.val, p, "empty condition: give covers_gap_village or shareable_tower_within_m")
	}
	return g
}

func checkPlaceholders(s string) error {
	for rest := s; ; {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			return nil
		}
		if rest[i] == '}' {
			return fmt.Errorf("unmatched '}' in message")
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("unmatched '{' in message")
		}
		name := rest[i+1 : i+j]
		if !slices.Contains(messagePlaceholders, name) {
			return fmt.Errorf("unknown placeholder {%s} (want %s)", name, strings.Join(messagePlaceholders, ", "))
		}
		rest = rest[i+j+1:]
	}
}

func structureNames() string {
	names := make([]string, len(Structures))
	for i, s := range Structures {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func langName(lang string) string {
	if lang == "vi" {
		return "Vietnamese"
	}
	return "English"
}

func joinPath(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

// deref follows YAML aliases (*anchor) to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	default:
		return "nothing"
	}
}
