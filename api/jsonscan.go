package api

import (
	"errors"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"btsplan/planning"
)

// Limits of every JSON body the API decodes (sites, coverage requests).
// They are far above what a valid body needs and keep a hostile one's cost
// linear and small: json.Unmarshal itself allows 10,000 levels of nesting,
// and a problem that echoed a megabyte member name would be a megabyte.
const (
	// maxJSONDepth bounds nesting: a site Feature needs 5 levels (the
	// footprint's positions), a coverage request 3.
	maxJSONDepth = 32
	// maxJSONKeyBytes bounds a member name: ours are short words.
	maxJSONKeyBytes = 256
	// maxJSONNumberBytes bounds a number's text: a float64 round-trips in
	// 24 characters.
	maxJSONNumberBytes = 100
	// maxJSONArrayLen bounds an array: the longest a valid body holds is a
	// footprint ring of at most planning.MaxFootprintVertices positions.
	maxJSONArrayLen = 10000
)

// checkJSON reads body once, in linear time and without building any
// value, and refuses what json.Unmarshal would accept but we will not:
// nesting deeper than maxJSONDepth, a member name given twice in one object
// (also when the names differ only in case, since encoding/json matches
// fields without regard to case, so that {"carrier": "a", "Carrier": "b"}
// would silently keep "b"), invalid UTF-8 or a lone surrogate (which
// json.Unmarshal silently turns into U+FFFD), a NUL character, and names,
// numbers or arrays past the limits above. It also reports syntax errors.
// Every error names the JSON pointer of the value at fault: 400 (malformed)
// for what cannot be read unambiguously, 422 for a value out of its limits.
func checkJSON(body []byte) error {
	s := jsonScanner{b: body, target: -1, until: -1}
	if err := s.document(); err != nil {
		return err
	}
	return nil
}

// jsonScanner is a recursive-descent JSON reader that keeps the JSON
// pointer of the value being read in one buffer, appending and truncating
// as it enters and leaves members and elements, so the pointer costs
// nothing per token. Recursion is bounded by maxJSONDepth.
type jsonScanner struct {
	b     []byte
	i     int
	depth int
	path  []byte // the JSON pointer of the current value
	key   []byte // scratch for a decoded member name

	// target, when >= 0, asks for the pointer of the innermost value
	// holding byte target; the scan stops with errFound once that value
	// has been read, leaving its pointer in found.
	target int
	found  string

	// until, when >= 0, asks for the start of the last scalar (string,
	// number, literal) that ends at or before byte until, left in
	// lastScalar (-1 if none); the scan stops with errFound past it.
	until      int
	lastScalar int
}

var errFound = errors.New("found")

// document reads one JSON value and nothing but white space after it.
func (s *jsonScanner) document() error {
	s.ws()
	if s.i >= len(s.b) {
		return malformed("", "empty body: expected a JSON document")
	}
	if err := s.value(); err != nil {
		return err
	}
	s.ws()
	if s.i < len(s.b) {
		s.path = s.path[:0]
		return s.syntax("invalid character %s after the top-level value", quoteByte(s.b[s.i]))
	}
	return nil
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// syntax is a 400 at the current pointer and byte offset.
func (s *jsonScanner) syntax(format string, args ...any) error {
	return malformed(string(s.path), "invalid JSON at byte %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *jsonScanner) eof() error {
	return s.syntax("unexpected end of JSON input")
}

func quoteByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (s *jsonScanner) value() error {
	if s.i >= len(s.b) {
		return s.eof()
	}
	start := s.i
	if s.until >= 0 && start > s.until {
		return errFound
	}
	var err error
	scalar := true
	switch c := s.b[s.i]; {
	case c == '{':
		scalar = false
		err = s.object()
	case c == '[':
		scalar = false
		err = s.array()
	case c == '"':
		_, err = s.str(false, nil)
	case c == '-' || c >= '0' && c <= '9':
		err = s.number()
	case c == 't':
		err = s.literal("true")
	case c == 'f':
		err = s.literal("false")
	case c == 'n':
		err = s.literal("null")
	default:
		err = s.syntax("invalid character %s looking for a value", quoteByte(c))
	}
	if err != nil {
		return err
	}
	if s.target >= 0 && start <= s.target && s.target < s.i {
		// Inner values end first: this is the innermost one holding target.
		s.found = string(s.path)
		return errFound
	}
	if scalar && s.until >= 0 && s.i <= s.until {
		s.lastScalar = start
	}
	return nil
}

func (s *jsonScanner) literal(word string) error {
	for k := 0; k < len(word); k++ {
		if s.i >= len(s.b) {
			return s.eof()
		}
		if s.b[s.i] != word[k] {
			return s.syntax("invalid character %s in literal %s", quoteByte(s.b[s.i]), word)
		}
		s.i++
	}
	return nil
}

func (s *jsonScanner) enter() error {
	s.depth++
	if s.depth > maxJSONDepth {
		return malformed(string(s.path), "nested more than %d levels deep", maxJSONDepth)
	}
	return nil
}

func (s *jsonScanner) object() error {
	if err := s.enter(); err != nil {
		return err
	}
	s.i++ // '{'
	base := len(s.path)
	var seen map[string]string // folded name → name as given
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		s.ws()
		if s.i >= len(s.b) {
			return s.eof()
		}
		if s.b[s.i] != '"' {
			return s.syntax("invalid character %s looking for a member name", quoteByte(s.b[s.i]))
		}
		keyStart := s.i
		key, err := s.str(true, s.key[:0])
		if err != nil {
			return err
		}
		s.key = key
		if s.i-keyStart > maxJSONKeyBytes {
			return malformed(string(s.path), "a member name of %d bytes: at most %d are allowed", s.i-keyStart, maxJSONKeyBytes)
		}
		s.path = appendPointerToken(append(s.path[:base], '/'), key)
		fk := foldName(key)
		if prev, dup := seen[fk]; dup {
			if prev == string(key) {
				return malformed(string(s.path), "duplicate member %q: each name may appear once in an object", key)
			}
			return malformed(string(s.path), "duplicate member %q: it repeats %q, and names are matched without regard to case", key, prev)
		}
		if seen == nil {
			seen = make(map[string]string)
		}
		seen[fk] = string(key)
		s.ws()
		if s.i >= len(s.b) {
			return s.eof()
		}
		if s.b[s.i] != ':' {
			return s.syntax("invalid character %s after a member name", quoteByte(s.b[s.i]))
		}
		s.i++
		s.ws()
		if err := s.value(); err != nil {
			return err
		}
		s.path = s.path[:base]
		s.ws()
		if s.i >= len(s.b) {
			return s.eof()
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return nil
		default:
			return s.syntax("invalid character %s after a member value", quoteByte(s.b[s.i]))
		}
	}
}

func (s *jsonScanner) array() error {
	if err := s.enter(); err != nil {
		return err
	}
	s.i++ // '['
	base := len(s.path)
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return nil
	}
	for n := 0; ; n++ {
		if n == maxJSONArrayLen {
			s.path = s.path[:base]
			return planning.FieldError(string(s.path), "an array of more than %d elements", maxJSONArrayLen)
		}
		s.path = strconv.AppendInt(append(s.path[:base], '/'), int64(n), 10)
		s.ws()
		if err := s.value(); err != nil {
			return err
		}
		s.path = s.path[:base]
		s.ws()
		if s.i >= len(s.b) {
			return s.eof()
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return nil
		default:
			return s.syntax("invalid character %s after an array element", quoteByte(s.b[s.i]))
		}
	}
}

// number reads the JSON number grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (s *jsonScanner) number() error {
	start := s.i
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	bad := func(what string) error {
		if s.i >= len(s.b) {
			return s.eof()
		}
		return s.syntax("invalid character %s in %s", quoteByte(s.b[s.i]), what)
	}
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case digits() == 0:
		return bad("a number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return bad("a number's fraction")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return bad("a number's exponent")
		}
	}
	if n := s.i - start; n > maxJSONNumberBytes {
		return planning.FieldError(string(s.path), "a number written with %d characters: at most %d are allowed", n, maxJSONNumberBytes)
	}
	return nil
}

// str reads a string at s.i (its opening quote), appending its decoded
// form to dst when decode is set (member names), and refuses control
// characters, invalid UTF-8, lone surrogates and NUL.
func (s *jsonScanner) str(decode bool, dst []byte) ([]byte, error) {
	s.i++ // '"'
	for {
		if s.i >= len(s.b) {
			return dst, s.eof()
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return dst, nil
		case c == '\\':
			r, err := s.escape()
			if err != nil {
				return dst, err
			}
			if r == 0 {
				return dst, planning.FieldError(string(s.path), "contains a NUL character (at byte %d)", s.i)
			}
			if decode {
				dst = utf8.AppendRune(dst, r)
			}
		case c < 0x20:
			return dst, s.syntax("control character %U in a string: escape it", c)
		case c < utf8.RuneSelf:
			s.i++
			if decode {
				dst = append(dst, c)
			}
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size <= 1 {
				return dst, s.syntax("invalid UTF-8")
			}
			if decode {
				dst = append(dst, s.b[s.i:s.i+size]...)
			}
			s.i += size
		}
	}
}

// escape reads one escape sequence at s.i (its backslash) and returns the
// character it stands for; a \u surrogate must come in a valid pair.
func (s *jsonScanner) escape() (rune, error) {
	if s.i+1 >= len(s.b) {
		s.i = len(s.b)
		return 0, s.eof()
	}
	s.i++
	switch s.b[s.i] {
	case '"', '\\', '/':
		s.i++
		return rune(s.b[s.i-1]), nil
	case 'b':
		s.i++
		return '\b', nil
	case 'f':
		s.i++
		return '\f', nil
	case 'n':
		s.i++
		return '\n', nil
	case 'r':
		s.i++
		return '\r', nil
	case 't':
		s.i++
		return '\t', nil
	case 'u':
		s.i++
		r, err := s.hex4()
		if err != nil {
			return 0, err
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		at := s.i - 6
		if r < 0xDC00 && s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
			s.i += 2
			lo, err := s.hex4()
			if err != nil {
				return 0, err
			}
			if pair := utf16.DecodeRune(r, lo); pair != unicode.ReplacementChar {
				return pair, nil
			}
		}
		s.i = at
		return 0, s.syntax("\\u%04X is half of a UTF-16 surrogate pair, not a character", r)
	}
	return 0, s.syntax("invalid escape character %s in a string", quoteByte(s.b[s.i]))
}

func (s *jsonScanner) hex4() (rune, error) {
	var r rune
	for k := 0; k < 4; k++ {
		if s.i >= len(s.b) {
			return 0, s.eof()
		}
		c := s.b[s.i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, s.syntax("invalid character %s in a \\u escape", quoteByte(c))
		}
		r = r<<4 | rune(c)
		s.i++
	}
	return r, nil
}

// appendPointerToken appends a member name as a JSON pointer reference
// token (RFC 6901: "~" is "~0", "/" is "~1").
func appendPointerToken(dst, name []byte) []byte {
	for _, c := range name {
		switch c {
		case '~':
			dst = append(dst, '~', '0')
		case '/':
			dst = append(dst, '~', '1')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// foldName returns a key equal for two names exactly when
// bytes.EqualFold finds them equal, as encoding/json matches names to
// fields: each character is replaced by the smallest of its simple case
// folding orbit. ASCII names, the usual case, take the fast path.
func foldName(name []byte) string {
	ascii := true
	for _, c := range name {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	out := make([]byte, 0, len(name))
	if ascii {
		// The smallest of an ASCII letter's orbit is its upper case (the
		// Kelvin sign K and the long s ſ sort after it).
		for _, c := range name {
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
		}
		return string(out)
	}
	for _, r := range string(name) {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		out = utf8.AppendRune(out, m)
	}
	return string(out)
}

// pointerOf returns the JSON pointer of the innermost value of body that
// holds byte offset, or "" (the whole document) when none does.
func pointerOf(body []byte, offset int64) string {
	if offset < 0 || offset >= int64(len(body)) {
		return ""
	}
	s := jsonScanner{b: body, target: int(offset), until: -1}
	s.ws()
	if err := s.value(); errors.Is(err, errFound) {
		return s.found
	}
	return ""
}

// lastScalarBefore returns the start of the last string, number or literal
// of body that ends at or before byte end, or -1 if there is none.
func lastScalarBefore(body []byte, end int64) int64 {
	s := jsonScanner{b: body, target: -1, until: int(min(end, int64(len(body)))), lastScalar: -1}
	s.ws()
	_ = s.value() // errFound, or the end of the document
	return int64(s.lastScalar)
}
