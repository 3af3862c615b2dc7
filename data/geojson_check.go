package data

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"btsplan/planning"
)

// This file holds the checks one feature's JSON passes before anything of
// it is decoded or sent to PostgreSQL: one linear walk over the bytes the
// stream's decoder has already found to be valid JSON. It refuses what
// would cost more than it is worth (deep nesting, which orb/geojson
// re-scans once per level, and giant geometries), what jsonb would refuse
// with an internal error (\u0000, lone surrogates, invalid UTF-8, numbers
// beyond numeric), and what jsonb would silently change (duplicate keys,
// of which it keeps the last).

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
func checkFeatureJSON(raw []byte, index int) error {
	c := &featureChecker{b: raw, index: index}
	return c.value(1, region{})
}

// region says where in the feature a value lies.
type region struct {
	top  string // the member of the feature ("geometry", "properties", ...); "" at the feature itself
	prop string // the property (member of "properties") holding the value
}

func (c *featureChecker) fail(format string, args ...any) error {
	return planning.FieldError(c.field(), "feature %d: %s", c.index, fmt.Sprintf(format, args...))
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

// value checks the value at c.p, at nesting depth (1 = the feature
// object).
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
			return c.object(depth, r)
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
			c.numbers++
			if c.numbers > maxGeometryNumbers {
				c.path = c.path[:1] // the geometry member
				return c.fail("the geometry has more than %d coordinate values (about %d points); split the feature", maxGeometryNumbers, maxGeometryNumbers/2)
			}
			return nil
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

func isNumberByte(b byte) bool {
	return b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E'
}

func (c *featureChecker) object(depth int, r region) error {
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
		// Member names in properties are stored as jsonb keys: one-line
		// names. Elsewhere only the feature's own members matter.
		if r.top == "properties" {
			if err := planning.CheckLine("", key, planning.MaxNameChars); err != nil {
				c.path = c.path[:len(c.path)-1]
				return c.fail("a property name %v", errors.Unwrap(err))
			}
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
		sr := r
		switch {
		case depth == 1:
			sr = region{top: key}
		case r.top == "properties" && r.prop == "":
			sr.prop = key
		}
		if err := c.value(depth+1, sr); err != nil {
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
