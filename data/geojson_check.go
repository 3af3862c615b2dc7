package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"btsplan/planning"
)

// This file holds the checks one feature's JSON passes before anything of
// it is decoded or sent to PostgreSQL: one walk over its tokens with the
// JSON tokenizer of encoding/json/v2 (github.com/go-json-experiment/json/
// jsontext), which builds no value. The tokenizer itself refuses what jsonb
// would refuse with an internal error (invalid UTF-8, lone surrogates) and
// what jsonb would silently change (a member name given twice, of which it
// keeps the last). The walk adds what would cost more than it is worth
// (deep nesting, which orb/geojson re-scans once per GeometryCollection,
// and giant geometries), \u0000 and other text jsonb or the database
// refuses in properties, numbers beyond numeric, and the shape of each
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
	// maxReasonBytes bounds the tokenizer's own reason in a message, which
	// may quote the input.
	maxReasonBytes = 200
)

// featureChecker walks one feature's JSON at a time. The zero value is
// ready to use; a stream keeps one, so that the tokenizers' buffers serve
// every feature.
type featureChecker struct {
	in      bytes.Reader
	dec     *jsontext.Decoder // the walk
	peekIn  bytes.Reader
	peek    *jsontext.Decoder // looks ahead for a geometry's type
	raw     []byte
	index   int    // the feature's index, for messages
	numbers int    // coordinate values seen in "geometry"
	prop    []byte // the property (member of "properties") being walked
	hasProp bool   // prop is set
	buf     []byte // an unquoted string with escapes
}

// region says what part of the feature a value lies in.
type region uint8

const (
	regionOther      region = iota // a foreign member, "id", "type", a null geometry
	regionProperties               // the "properties" member
	regionGeometry                 // a member of a geometry object other than its coordinates
)

// check checks the raw JSON of feature index, which the stream's decoder
// has read as one JSON value: nesting, duplicate keys, the size and shape
// of its geometry and the text of its properties (keys as names, string
// values as free text, numbers within PostgreSQL's numeric). The error is
// Invalid and names the feature and the member at fault.
//
// A fault in the geometry member is a *geomError instead, with its pointer
// below the geometry, for the stream to name the feature by its id and
// name as the geometry checks do.
func (c *featureChecker) check(raw []byte, index int) error {
	c.raw, c.index, c.numbers = raw, index, 0
	c.in.Reset(raw)
	if c.dec == nil {
		c.dec = jsontext.NewDecoder(&c.in)
	} else {
		c.dec.Reset(&c.in)
	}
	return c.feature()
}

// failAt is the fault of the value at ptr, a JSON pointer into the
// feature as the tokenizer writes it.
func (c *featureChecker) failAt(ptr, format string, args ...any) error {
	ptr = cleanPointer(ptr)
	if at, ok := strings.CutPrefix(ptr, "/geometry"); ok && (at == "" || at[0] == '/') {
		return gerr(at, format, args...)
	}
	return planning.FieldError("/features/"+strconv.Itoa(c.index)+ptr, "feature %d: %s", c.index, fmt.Sprintf(format, args...))
}

// fail is the fault of the value (or member name) read last. The pointer
// is built only now, so that a valid feature costs none.
func (c *featureChecker) fail(format string, args ...any) error {
	return c.failAt(string(c.dec.StackPointer()), format, args...)
}

// tokenErr turns an error of the tokenizer into the fault it names; at
// is the pointer of where the tokenizer began, "" for the feature.
func (c *featureChecker) tokenErr(at string, err error) error {
	var se *jsontext.SyntacticError
	switch {
	case !errors.As(err, &se):
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return c.failAt(at, "%s", cut(err.Error()))
	case errors.Is(se.Err, jsontext.ErrDuplicateName):
		return c.failAt(at+string(se.JSONPointer), "the member %q is given twice", shorten(se.JSONPointer.LastToken()))
	case se.Err == nil:
		return c.failAt(at+string(se.JSONPointer), "invalid JSON")
	}
	return c.failAt(at+string(se.JSONPointer), "%s", cut(se.Err.Error()))
}

// next reads the next token: a delimiter, or a whole string, number or
// literal (raw).
func (c *featureChecker) next() (kind jsontext.Kind, raw jsontext.Value, err error) {
	kind = c.dec.PeekKind()
	switch kind {
	case 0, '{', '[', '}', ']':
		_, err = c.dec.ReadToken()
	default:
		raw, err = c.dec.ReadValue()
	}
	if err != nil {
		return 0, nil, c.tokenErr("", err)
	}
	return kind, raw, nil
}

// name reads a member name and returns it unquoted, valid until the next
// read.
func (c *featureChecker) name() ([]byte, error) {
	_, raw, err := c.next()
	if err != nil {
		return nil, err
	}
	return c.unquote(raw), nil
}

// unquote returns the text of a string token the tokenizer has read, valid
// until the next call.
func (c *featureChecker) unquote(raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1]
	}
	c.buf, _ = jsontext.AppendUnquote(c.buf[:0], raw)
	return c.buf
}

// feature checks the feature object (depth 1).
func (c *featureChecker) feature() error {
	kind, _, err := c.next()
	if err != nil {
		return err
	}
	if kind != '{' {
		return c.failAt("", "not a GeoJSON Feature object")
	}
	for c.dec.PeekKind() == '"' {
		key, err := c.name()
		if err != nil {
			return err
		}
		switch {
		case string(key) == "geometry" && c.dec.PeekKind() == 'n':
			// null: the stream says the feature has no geometry.
			err = c.value(regionOther)
		case string(key) == "geometry":
			err = c.geometry(0)
		case string(key) == "properties":
			err = c.value(regionProperties)
		default:
			// encoding/json matches member names regardless of case: a
			// "Geometry" would be decoded as the geometry, unchecked.
			if name := caseVariant(key, "type", "geometry", "properties"); name != "" {
				return c.fail("the member %q is not %q: GeoJSON member names are case-sensitive", shorten(string(key)), name)
			}
			err = c.value(regionOther)
		}
		if err != nil {
			return err
		}
	}
	_, _, err = c.next() // }
	return err
}

// value checks the next value, in region r: anything but a geometry object
// and its coordinates. It reads token by token, tracking the nesting
// rather than recursing.
func (c *featureChecker) value(r region) error {
	base := c.dec.StackDepth()
	c.hasProp = false
	for {
		kind, raw, err := c.next()
		if err != nil {
			return err
		}
		depth := c.dec.StackDepth()
		switch kind {
		case '{', '[':
			if depth > maxFeatureDepth {
				return c.fail("nested more than %d levels deep", maxFeatureDepth)
			}
		case '}', ']':
		default:
			if err := c.scalar(r, kind, raw, base, depth); err != nil {
				return err
			}
		}
		if depth == base {
			return nil
		}
	}
}

// scalar checks a string, number or literal read at depth, in the value
// of region r that began at depth base.
func (c *featureChecker) scalar(r region, kind jsontext.Kind, raw []byte, base, depth int) error {
	isName := false
	if depth > base {
		container, n := c.dec.StackIndex(depth)
		isName = container == '{' && n%2 == 1
	}
	switch {
	case r == regionGeometry && kind == '0':
		return c.geometryNumber()
	case r != regionProperties:
		return nil
	case isName:
		// Member names in properties are stored as jsonb keys: one-line
		// names.
		name := c.unquote(raw)
		if depth == base+1 {
			c.prop, c.hasProp = append(c.prop[:0], name...), true
		}
		if err := planning.CheckLine("", string(name), planning.MaxNameChars); err != nil {
			return c.failAt(parentPointer(c.dec), "a property name %v", errors.Unwrap(err))
		}
	case kind == '"' && c.hasProp:
		if err := planning.CheckText("", string(c.unquote(raw)), planning.MaxTextChars); err != nil {
			return c.fail("the value of property %q %v", shorten(string(c.prop)), errors.Unwrap(err))
		}
	case kind == '0':
		// jsonb stores numbers as numeric, which refuses exponents beyond
		// about ±131072 with an internal error; a float64 is the range
		// every client can read back anyway.
		if _, err := strconv.ParseFloat(string(raw), 64); err != nil {
			return c.fail("the number %s in property %q is out of range", shorten(string(raw)), shorten(string(c.prop)))
		}
	}
	return nil
}

// geometryNumber counts one number of the geometry.
func (c *featureChecker) geometryNumber() error {
	c.numbers++
	if c.numbers > maxGeometryNumbers {
		return c.failAt("/geometry", "the geometry has more than %d coordinate values (about %d points); split the feature", maxGeometryNumbers, maxGeometryNumbers/2)
	}
	return nil
}

// caseVariant returns the one of names that key spells in another letter
// case (as encoding/json folds it, ſ and K included), "" if none.
func caseVariant(key []byte, names ...string) string {
	for _, n := range names {
		if string(key) != n && bytes.EqualFold(key, []byte(n)) {
			return n
		}
	}
	return ""
}

// geometryTypes are the geometry types orb/geojson decodes, with how many
// arrays their coordinates nest around positions (-1: none, a
// GeometryCollection).
var geometryTypes = map[string]int{
	"Point": 0, "MultiPoint": 1, "LineString": 1,
	"MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3,
	"GeometryCollection": -1,
}

// geometryTypeNames are the keys of geometryTypes.
var geometryTypeNames = []string{"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}

// geometry checks the next value as a geometry object inside coll
// GeometryCollections: a known type, the coordinates its type wants (or a
// geometries array of geometry objects), no geometries member where orb
// would decode one and drop it.
func (c *featureChecker) geometry(coll int) error {
	kind, _, err := c.next()
	if err != nil {
		return err
	}
	if kind != '{' {
		return c.fail("the geometry is not a GeoJSON geometry object")
	}
	if c.dec.StackDepth() > maxFeatureDepth {
		return c.fail("nested more than %d levels deep", maxFeatureDepth)
	}
	typ, err := c.geometryType()
	if err != nil {
		return err
	}
	levels, known := geometryTypes[typ]
	switch {
	case typ == "":
		return c.failAt(string(c.dec.StackPointer())+"/type", "the geometry has no type")
	case !known:
		return c.failAt(string(c.dec.StackPointer())+"/type", "unknown geometry type %q (want Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection)", shorten(typ))
	case levels < 0 && coll >= maxCollectionDepth:
		// orb/geojson decodes each level again: refuse before it does.
		return c.fail("GeometryCollections are nested more than %d deep", maxCollectionDepth)
	}
	simple := levels >= 0
	var hasCoords, hasMembers bool
	for c.dec.PeekKind() == '"' {
		key, err := c.name()
		if err != nil {
			return err
		}
		switch {
		case string(key) == "coordinates" && simple:
			hasCoords = true
			if c.dec.PeekKind() == 'n' {
				return c.fail("the %s has no coordinates", typ)
			}
			err = c.coordinates(levels)
		case string(key) == "geometries" && !simple:
			hasMembers = true
			if k := c.dec.PeekKind(); k != '[' && k != 0 {
				return c.fail("a GeometryCollection needs a geometries array")
			}
			err = c.geometries(coll + 1)
		case string(key) == "geometries":
			// orb/geojson decodes it whatever the type, then drops it.
			return c.fail("a %s has no geometries member; only a GeometryCollection has one", typ)
		default:
			if name := caseVariant(key, "type", "coordinates", "geometries"); name != "" {
				return c.fail("the member %q is not %q: GeoJSON member names are case-sensitive", shorten(string(key)), name)
			}
			// "type", read by geometryType; "coordinates" of a
			// GeometryCollection, which orb ignores; bbox and foreign
			// members.
			err = c.value(regionGeometry)
		}
		if err != nil {
			return err
		}
	}
	if _, _, err := c.next(); err != nil { // }
		return err
	}
	// The pointer is now the geometry object's.
	switch {
	case simple && !hasCoords:
		return c.failAt(string(c.dec.StackPointer())+"/coordinates", "the %s has no coordinates", typ)
	case !simple && !hasMembers:
		return c.failAt(string(c.dec.StackPointer())+"/geometries", "a GeometryCollection needs a geometries array")
	}
	return nil
}

// geometryType returns the string value of the "type" member of the
// geometry object just opened, "" when there is none or it is no string.
// It reads ahead with a second tokenizer, leaving the walk where it is:
// the coordinates can only be checked knowing the type, and may come
// first. Writers put "type" first, so this rarely skips anything.
func (c *featureChecker) geometryType() (string, error) {
	start := c.dec.InputOffset() - 1 // the {
	c.peekIn.Reset(c.raw[start:])
	if c.peek == nil {
		c.peek = jsontext.NewDecoder(&c.peekIn)
	} else {
		c.peek.Reset(&c.peekIn)
	}
	fail := func(err error) (string, error) {
		return "", c.tokenErr(string(c.dec.StackPointer()), err)
	}
	if _, err := c.peek.ReadToken(); err != nil { // {
		return fail(err)
	}
	for c.peek.PeekKind() == '"' {
		raw, err := c.peek.ReadValue()
		if err != nil {
			return fail(err)
		}
		if string(c.unquote(raw)) != "type" {
			if err := c.peek.SkipValue(); err != nil {
				return fail(err)
			}
			continue
		}
		raw, err = c.peek.ReadValue()
		switch {
		case err != nil:
			return fail(err)
		case raw.Kind() != '"':
			return "", nil
		}
		typ := c.unquote(raw)
		for _, name := range geometryTypeNames {
			if string(typ) == name {
				return name, nil // no copy
			}
		}
		return string(typ), nil
	}
	if _, err := c.peek.ReadToken(); err != nil { // }
		return fail(err)
	}
	return "", nil
}

// geometries checks the next value, the geometries array of a
// GeometryCollection inside coll-1 others: each member a geometry object.
func (c *featureChecker) geometries(coll int) error {
	if _, _, err := c.next(); err != nil { // [
		return err
	}
	if c.dec.StackDepth() > maxFeatureDepth {
		return c.fail("nested more than %d levels deep", maxFeatureDepth)
	}
	for k := c.dec.PeekKind(); k != ']' && k != 0; k = c.dec.PeekKind() {
		if err := c.geometry(coll); err != nil {
			return err
		}
	}
	_, _, err := c.next() // ]
	return err
}

// coordinates checks the next value as coordinates nested levels arrays
// deep around positions: every array where the type wants one, and every
// position 2 or 3 numbers, each within ±maxAbsCoordinate. orb/geojson
// would read [x] as (x, 0), [] and null as (0, 0), [x, y, z, m] as (x, y),
// and drop z: after decoding, none of this can be seen.
func (c *featureChecker) coordinates(levels int) error {
	kind, _, err := c.next()
	if err != nil {
		return err
	}
	if kind != '[' {
		return c.fail("%s where an array of coordinates was expected", what(kind))
	}
	if c.dec.StackDepth() > maxFeatureDepth {
		return c.fail("nested more than %d levels deep", maxFeatureDepth)
	}
	n := 0 // numbers in the position
	for k := c.dec.PeekKind(); k != ']' && k != 0; k = c.dec.PeekKind() {
		if levels > 0 {
			if err := c.coordinates(levels - 1); err != nil {
				return err
			}
			continue
		}
		kind, raw, err := c.next()
		if err != nil {
			return err
		}
		if kind != '0' {
			return c.fail("a coordinate is %s, not a number", what(kind))
		}
		if err := c.geometryNumber(); err != nil {
			return err
		}
		v, err := strconv.ParseFloat(string(raw), 64)
		switch {
		case err != nil || math.IsInf(v, 0):
			return c.fail("the coordinate %s is out of range", shorten(string(raw)))
		case math.Abs(v) > maxAbsCoordinate:
			return c.fail("the coordinate %s is beyond ±10^8: not a position in any CRS", shorten(string(raw)))
		}
		n++
	}
	if _, _, err := c.next(); err != nil { // ]
		return err
	}
	if levels == 0 && (n < 2 || n > 3) {
		return c.fail("a position has %d number(s); want 2 (x, y) or 3 (x, y, z)", n)
	}
	return nil
}

// what names a JSON kind, for messages.
func what(k jsontext.Kind) string {
	switch k {
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

// parentPointer is the pointer of the container of the value read last.
func parentPointer(dec *jsontext.Decoder) string {
	return string(dec.StackPointer().Parent())
}

// cleanPointer replaces each reference token of ptr that is too long or
// holds a control character by "…", so that a message stays short and
// printable.
func cleanPointer(ptr string) string {
	if ptr == "" {
		return ""
	}
	tokens := strings.Split(ptr[1:], "/")
	for i, t := range tokens {
		if len(t) > 64 || strings.ContainsFunc(t, func(r rune) bool { return r < 0x20 }) {
			tokens[i] = "…"
		}
	}
	return "/" + strings.Join(tokens, "/")
}

// cut shortens a reason of the tokenizer to maxReasonBytes, on a
// character boundary.
func cut(s string) string {
	if len(s) <= maxReasonBytes {
		return s
	}
	i := maxReasonBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
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
