package data

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"btsplan/planning"
)

// This file holds the checks one feature's JSON passes before anything of
// it is decoded or sent to PostgreSQL: one linear walk over the bytes the
// stream's decoder has already found to be valid JSON. It refuses what
// would cost more than it is worth (deep nesting, which orb/geojson
// re-scans once per GeometryCollection, and giant geometries), what jsonb
// would refuse with an internal error (\u0000, lone surrogates, invalid
// UTF-8, numbers beyond numeric), what jsonb would silently change
// (duplicate keys, of which it keeps the last), and the shape of each
// geometry object that orb/geojson decodes without a word or would trip
// on: its type, positions of 2 or 3 numbers within ±maxAbsCoordinate,
// coordinates nested as its type wants, GeometryCollection members that
// are objects (orb dereferences a null one), and member names in another
// letter case (encoding/json, and so orb, would take "Coordinates" for
// "coordinates"). What is left to check once orb has decoded (rings,
// lines, empty geometries) validateGeometry does.

// The limits of one feature.
const (
	// maxFeatureDepth bounds the nesting of arrays and objects in one
	// feature: a MultiPolygon in a GeometryCollection nested
	// maxCollectionDepth deep needs 2 + 2×3 + 4 = 12 levels, properties
	// rarely more than a few.
	maxFeatureDepth = 32
	// maxCollectionDepth bounds GeometryCollections inside
	// GeometryCollections (RFC 7946 §3.1.8 advises against any).
	maxCollectionDepth = 3
	// maxGeometryNumbers bounds the coordinate values of one feature's
	// geometry: about 500,000 points, more than the most detailed province
	// boundary; a larger feature should be split.
	maxGeometryNumbers = 1_000_000
)

// featureChecker walks one feature's JSON. b must be valid JSON (the
// decoder checked it); the walk only looks for what the checks need.
type featureChecker struct {
	b       []byte
	p       int
	index   int       // the feature's index, for messages
	numbers int       // coordinate values seen in "geometry"
	path    []segment // where c.p is, to build a JSON pointer only for a fault
}

// segment is one step of a JSON pointer: a member name when isKey, else
// an index.
type segment struct {
	key   string
	isKey bool
	idx   int
}

// field returns the JSON pointer of the current value.
func (c *featureChecker) field() string {
	s := "/features/" + strconv.Itoa(c.index)
	for _, g := range c.path {
		if g.isKey {
			s += "/" + pointerEscape(g.key)
		} else {
			s += "/" + strconv.Itoa(g.idx)
		}
	}
	return s
}

// checkFeatureJSON checks the raw JSON of feature index: nesting, duplicate
// keys, the size of its geometry and the text of its properties (keys as
// names, string values as free text, numbers within PostgreSQL's numeric).
// The error is Invalid and names the feature and the member at fault.
//
// A fault in the geometry member is a *geomError instead, with its pointer
// below the geometry, for the stream to name the feature by its id and
// name as the geometry checks do.
func checkFeatureJSON(raw []byte, index int) error {
	c := &featureChecker{b: raw, index: index}
	return c.feature()
}

// region says where in the feature a value lies.
type region struct {
	top  string // the member of the feature ("geometry", "properties", ...); "" at the feature itself
	prop string // the property (member of "properties") holding the value
}

// fail is the fault of the current value.
func (c *featureChecker) fail(format string, args ...any) error {
	return c.failAt("", format, args...)
}

// failAt is the fault of the member suffix (such as "/type") of the
// current value.
func (c *featureChecker) failAt(suffix, format string, args ...any) error {
	if len(c.path) > 0 && c.path[0].isKey && c.path[0].key == "geometry" {
		at := ""
		for _, g := range c.path[1:] {
			if g.isKey {
				at += "/" + pointerEscape(g.key)
			} else {
				at += "/" + strconv.Itoa(g.idx)
			}
		}
		return gerr(at+suffix, format, args...)
	}
	return planning.FieldError(c.field()+suffix, "feature %d: %s", c.index, fmt.Sprintf(format, args...))
}

func (c *featureChecker) ws() {
	for c.p < len(c.b) {
		switch c.b[c.p] {
		case ' ', '\t', '\r', '\n':
			c.p++
		default:
			return
		}
	}
}

// feature checks the feature object at c.p (depth 1).
func (c *featureChecker) feature() error {
	c.ws()
	if c.p >= len(c.b) || c.b[c.p] != '{' {
		return c.fail("not a GeoJSON Feature object")
	}
	return c.object(func(key string) error {
		if key == "geometry" {
			c.ws()
			if c.p < len(c.b) && c.b[c.p] == 'n' { // null: the stream says the feature has no geometry
				return c.value(2, region{top: key})
			}
			return c.geometry(2, 0)
		}
		// encoding/json matches member names regardless of case: a
		// "Geometry" would be decoded as the geometry, unchecked.
		if name := caseVariant(key, "type", "geometry", "properties"); name != "" {
			return c.fail("the member %q is not %q: GeoJSON member names are case-sensitive", shorten(key), name)
		}
		return c.value(2, region{top: key})
	})
}

// value checks the value at c.p, at nesting depth (2 = a member of the
// feature object): anything but a geometry object and its coordinates.
func (c *featureChecker) value(depth int, r region) error {
	c.ws()
	if c.p >= len(c.b) {
		return c.fail("unexpected end of the feature")
	}
	switch c.b[c.p] {
	case '{', '[':
		if depth > maxFeatureDepth {
			return c.fail("nested more than %d levels deep", maxFeatureDepth)
		}
		if c.b[c.p] == '{' {
			return c.object(func(key string) error {
				// Member names in properties are stored as jsonb keys:
				// one-line names. Elsewhere only the feature's own members
				// matter.
				if r.top == "properties" {
					if err := planning.CheckLine("", key, planning.MaxNameChars); err != nil {
						c.path = c.path[:len(c.path)-1]
						return c.fail("a property name %v", errors.Unwrap(err))
					}
				}
				sr := r
				if r.top == "properties" && r.prop == "" {
					sr.prop = key
				}
				return c.value(depth+1, sr)
			})
		}
		return c.array(depth, r)
	case '"':
		if r.top != "properties" || r.prop == "" {
			return c.skipString()
		}
		s, err := c.str()
		if err != nil {
			return c.fail("%v", err)
		}
		if err := planning.CheckText("", s, planning.MaxTextChars); err != nil {
			return c.fail("the value of property %q %v", shorten(r.prop), errors.Unwrap(err))
		}
		return nil
	case 't', 'f', 'n':
		for c.p < len(c.b) && c.b[c.p] >= 'a' && c.b[c.p] <= 'z' {
			c.p++
		}
		return nil
	default:
		start := c.p
		for c.p < len(c.b) && isNumberByte(c.b[c.p]) {
			c.p++
		}
		num := string(c.b[start:c.p])
		if r.top == "geometry" {
			return c.geometryNumber()
		}
		if r.top == "properties" {
			// jsonb stores numbers as numeric, which refuses exponents
			// beyond about ±131072 with an internal error; a float64 is the
			// range every client can read back anyway.
			if _, err := strconv.ParseFloat(num, 64); err != nil {
				return c.fail("the number %s in property %q is out of range", shorten(num), shorten(r.prop))
			}
		}
		return nil
	}
}

// geometryNumber counts one number of the geometry.
func (c *featureChecker) geometryNumber() error {
	c.numbers++
	if c.numbers > maxGeometryNumbers {
		c.path = c.path[:1] // the geometry member
		return c.fail("the geometry has more than %d coordinate values (about %d points); split the feature", maxGeometryNumbers, maxGeometryNumbers/2)
	}
	return nil
}

func isNumberByte(b byte) bool {
	return b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E'
}

// object walks the object at c.p: for each member it checks the name is
// not given twice, then calls member with the name, c.p at the value and
// the path ending in the member; member reads the value.
func (c *featureChecker) object(member func(key string) error) error {
	c.p++ // {
	var keys []string
	var seen map[string]bool
	c.path = append(c.path, segment{})
	for {
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == '}' {
			c.p++
			c.path = c.path[:len(c.path)-1]
			return nil
		}
		if c.p < len(c.b) && c.b[c.p] == ',' {
			c.p++
			c.ws()
		}
		if c.p >= len(c.b) || c.b[c.p] != '"' {
			c.path = c.path[:len(c.path)-1]
			return c.fail("malformed object")
		}
		key, err := c.str()
		if err != nil {
			c.path = c.path[:len(c.path)-1]
			return c.fail("a member name %v", err)
		}
		c.path[len(c.path)-1] = segment{key: key, isKey: true}
		dup := false
		if seen != nil {
			dup = seen[key]
			seen[key] = true
		} else {
			for _, k := range keys {
				if k == key {
					dup = true
				}
			}
			keys = append(keys, key)
			if len(keys) > 16 {
				seen = make(map[string]bool, 2*len(keys))
				for _, k := range keys {
					seen[k] = true
				}
			}
		}
		if dup {
			return c.fail("the member %q is given twice", shorten(key))
		}
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ':' {
			c.p++
		}
		if err := member(key); err != nil {
			return err
		}
	}
}

func (c *featureChecker) array(depth int, r region) error {
	c.p++ // [
	c.path = append(c.path, segment{})
	for i := 0; ; i++ {
		c.path[len(c.path)-1] = segment{idx: i}
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ']' {
			c.p++
			c.path = c.path[:len(c.path)-1]
			return nil
		}
		if c.p < len(c.b) && c.b[c.p] == ',' {
			c.p++
		}
		if c.p >= len(c.b) {
			return c.fail("unexpected end of the feature")
		}
		if err := c.value(depth+1, r); err != nil {
			return err
		}
	}
}

// caseVariant returns the one of names that key spells in another letter
// case (as encoding/json folds it, ſ and K included), "" if none.
func caseVariant(key string, names ...string) string {
	for _, n := range names {
		if key != n && strings.EqualFold(key, n) {
			return n
		}
	}
	return ""
}

// coordinateLevels is how many arrays each geometry type's coordinates
// nest around its positions.
var coordinateLevels = map[string]int{
	"Point": 0, "MultiPoint": 1, "LineString": 1,
	"MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3,
}

// geometry checks the geometry object at c.p, at nesting depth, inside
// coll GeometryCollections: a known type, the coordinates its type wants
// (or a geometries array of geometry objects), no geometries member where
// orb would decode one and drop it.
func (c *featureChecker) geometry(depth, coll int) error {
	c.ws()
	if c.p >= len(c.b) || c.b[c.p] != '{' {
		return c.fail("the geometry is not a GeoJSON geometry object")
	}
	if depth > maxFeatureDepth {
		return c.fail("nested more than %d levels deep", maxFeatureDepth)
	}
	typ, ok := c.geometryType()
	if !ok {
		return c.failAt("/type", "the geometry has no type")
	}
	levels, simple := coordinateLevels[typ]
	switch {
	case typ == "GeometryCollection":
		if coll >= maxCollectionDepth {
			// orb/geojson decodes each level again: refuse before it does.
			return c.fail("GeometryCollections are nested more than %d deep", maxCollectionDepth)
		}
	case !simple:
		return c.failAt("/type", "unknown geometry type %q (want Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection)", shorten(typ))
	}
	var hasCoords, hasMembers bool
	err := c.object(func(key string) error {
		switch {
		case key == "coordinates" && simple:
			hasCoords = true
			c.ws()
			if c.p < len(c.b) && c.b[c.p] == 'n' {
				return c.fail("the %s has no coordinates", typ)
			}
			return c.coordinates(depth+1, levels)
		case key == "geometries" && !simple:
			hasMembers = true
			c.ws()
			if c.p >= len(c.b) || c.b[c.p] != '[' {
				return c.fail("a GeometryCollection needs a geometries array")
			}
			return c.geometries(depth+1, coll+1)
		case key == "geometries":
			// orb/geojson decodes it whatever the type, then drops it.
			return c.fail("a %s has no geometries member; only a GeometryCollection has one", typ)
		}
		if name := caseVariant(key, "type", "coordinates", "geometries"); name != "" {
			return c.fail("the member %q is not %q: GeoJSON member names are case-sensitive", shorten(key), name)
		}
		// "type", read by geometryType; "coordinates" of a
		// GeometryCollection, which orb ignores; bbox and foreign members.
		return c.value(depth+1, region{top: "geometry"})
	})
	switch {
	case err != nil:
		return err
	case simple && !hasCoords:
		return c.failAt("/coordinates", "the %s has no coordinates", typ)
	case !simple && !hasMembers:
		return c.failAt("/geometries", "a GeometryCollection needs a geometries array")
	}
	return nil
}

// geometryType returns the string value of the "type" member of the object
// at c.p, without moving c.p; ok is false when there is none. Writers put
// "type" first, so this rarely skips anything.
func (c *featureChecker) geometryType() (typ string, ok bool) {
	start := c.p
	defer func() { c.p = start }()
	c.p++ // {
	for {
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ',' {
			c.p++
			c.ws()
		}
		if c.p >= len(c.b) || c.b[c.p] != '"' {
			return "", false // the end of the object
		}
		key, err := c.str()
		if err != nil {
			return "", false // the walk reports the name
		}
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ':' {
			c.p++
		}
		c.ws()
		if key == "type" {
			if c.p >= len(c.b) || c.b[c.p] != '"' {
				return "", false
			}
			typ, err := c.str()
			return typ, err == nil
		}
		c.skipValue()
	}
}

// geometries checks the geometries array at c.p of a GeometryCollection
// inside coll-1 others: each member a geometry object.
func (c *featureChecker) geometries(depth, coll int) error {
	if depth > maxFeatureDepth {
		return c.fail("nested more than %d levels deep", maxFeatureDepth)
	}
	c.p++ // [
	c.path = append(c.path, segment{})
	for i := 0; ; i++ {
		c.path[len(c.path)-1] = segment{idx: i}
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ']' {
			c.p++
			c.path = c.path[:len(c.path)-1]
			return nil
		}
		if c.p < len(c.b) && c.b[c.p] == ',' {
			c.p++
		}
		if err := c.geometry(depth+1, coll); err != nil {
			return err
		}
	}
}

// coordinates checks the value at c.p as coordinates nested levels arrays
// deep around positions: every array where the type wants one, and every
// position 2 or 3 numbers, each within ±maxAbsCoordinate. orb/geojson
// would read [x] as (x, 0), [] and null as (0, 0), [x, y, z, m] as (x, y),
// and drop z: after decoding, none of this can be seen.
func (c *featureChecker) coordinates(depth, levels int) error {
	c.ws()
	if c.p >= len(c.b) || c.b[c.p] != '[' {
		return c.fail("%s where an array of coordinates was expected", c.what())
	}
	if depth > maxFeatureDepth {
		return c.fail("nested more than %d levels deep", maxFeatureDepth)
	}
	c.p++ // [
	c.path = append(c.path, segment{})
	n := 0 // numbers in the position
	for i := 0; ; i++ {
		c.path[len(c.path)-1] = segment{idx: i}
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ']' {
			c.p++
			c.path = c.path[:len(c.path)-1]
			if levels == 0 && (n < 2 || n > 3) {
				return c.fail("a position has %d number(s); want 2 (x, y) or 3 (x, y, z)", n)
			}
			return nil
		}
		if c.p < len(c.b) && c.b[c.p] == ',' {
			c.p++
			c.ws()
		}
		if levels > 0 {
			if err := c.coordinates(depth+1, levels-1); err != nil {
				return err
			}
			continue
		}
		if c.p >= len(c.b) || c.b[c.p] != '-' && (c.b[c.p] < '0' || c.b[c.p] > '9') {
			return c.fail("a coordinate is %s, not a number", c.what())
		}
		start := c.p
		for c.p < len(c.b) && isNumberByte(c.b[c.p]) {
			c.p++
		}
		if err := c.geometryNumber(); err != nil {
			return err
		}
		num := c.b[start:c.p]
		v, err := strconv.ParseFloat(string(num), 64)
		switch {
		case err != nil || math.IsInf(v, 0):
			return c.fail("the coordinate %s is out of range", shorten(string(num)))
		case math.Abs(v) > maxAbsCoordinate:
			return c.fail("the coordinate %s is beyond ±10^8: not a position in any CRS", shorten(string(num)))
		}
		n++
	}
}

// what names the JSON value at c.p, for messages.
func (c *featureChecker) what() string {
	c.ws()
	if c.p >= len(c.b) {
		return "nothing"
	}
	switch c.b[c.p] {
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a number"
}

// skipValue moves past the JSON value at c.p without checking it.
func (c *featureChecker) skipValue() {
	c.ws()
	if c.p >= len(c.b) {
		return
	}
	switch c.b[c.p] {
	case '"':
		_ = c.skipString()
	case '{', '[':
		level := 0
		for c.p < len(c.b) {
			switch c.b[c.p] {
			case '"':
				_ = c.skipString()
				continue
			case '{', '[':
				level++
			case '}', ']':
				level--
				if level == 0 {
					c.p++
					return
				}
			}
			c.p++
		}
	default:
		for c.p < len(c.b) && (isNumberByte(c.b[c.p]) || c.b[c.p] >= 'a' && c.b[c.p] <= 'z') {
			c.p++
		}
	}
}

// skipString moves past the JSON string at c.p without decoding it.
func (c *featureChecker) skipString() error {
	c.p++ // "
	for c.p < len(c.b) {
		switch c.b[c.p] {
		case '"':
			c.p++
			return nil
		case '\\':
			c.p += 2
		default:
			c.p++
		}
	}
	return c.fail("a string is not terminated")
}

// str reads the JSON string at c.p and returns it unescaped. Invalid UTF-8
// is kept as is, for CheckLine to find; a \u0000 becomes a NUL, for the
// same; a lone surrogate escape is an error, since jsonb refuses it.
func (c *featureChecker) str() (string, error) {
	c.p++ // "
	start := c.p
	for c.p < len(c.b) && c.b[c.p] != '"' && c.b[c.p] != '\\' {
		c.p++
	}
	if c.p < len(c.b) && c.b[c.p] == '"' {
		s := string(c.b[start:c.p])
		c.p++
		return s, nil
	}
	out := append([]byte(nil), c.b[start:c.p]...)
	for c.p < len(c.b) {
		ch := c.b[c.p]
		switch {
		case ch == '"':
			c.p++
			return string(out), nil
		case ch != '\\':
			out = append(out, ch)
			c.p++
			continue
		}
		if c.p+1 >= len(c.b) {
			break
		}
		esc := c.b[c.p+1]
		c.p += 2
		switch esc {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r1, ok := c.hex4()
			if !ok {
				return "", errors.New("has a malformed \\u escape")
			}
			switch {
			case utf16.IsSurrogate(r1) && r1 < 0xDC00:
				if c.p+1 < len(c.b) && c.b[c.p] == '\\' && c.b[c.p+1] == 'u' {
					c.p += 2
					r2, ok := c.hex4()
					if d := utf16.DecodeRune(r1, r2); ok && d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						continue
					}
				}
				return "", errors.New("has a lone UTF-16 surrogate escape (\\ud800 to \\udfff)")
			case utf16.IsSurrogate(r1):
				return "", errors.New("has a lone UTF-16 surrogate escape (\\ud800 to \\udfff)")
			}
			out = utf8.AppendRune(out, r1)
		default: // " \ /
			out = append(out, esc)
		}
	}
	return "", errors.New("is not terminated")
}

func (c *featureChecker) hex4() (rune, bool) {
	if c.p+4 > len(c.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(c.b[c.p:c.p+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	c.p += 4
	return rune(n), true
}

// pointerEscape escapes a member name for a JSON pointer (RFC 6901).
func pointerEscape(s string) string {
	if len(s) > 64 || !utf8.ValidString(s) {
		return "…"
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			if s[i] < 0x20 {
				return "…"
			}
			out = append(out, s[i])
		}
	}
	return string(out)
}

// shorten keeps a name or value quoted in a message short and printable.
func shorten(s string) string {
	if !utf8.ValidString(s) {
		return "(not UTF-8)"
	}
	const max = 40
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
