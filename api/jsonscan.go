package api

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

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
	// maxReasonBytes bounds the tokenizer's own reason in a problem, which
	// may quote a member name.
	maxReasonBytes = 200
)

// checkJSON reads body once, token by token with the JSON tokenizer of
// encoding/json/v2 (github.com/go-json-experiment/json/jsontext), in linear
// time and without building any value, and refuses what json.Unmarshal
// would accept but we will not. The tokenizer refuses syntax errors,
// invalid UTF-8, lone surrogates and a member name given twice in one
// object; checkJSON adds nesting deeper than maxJSONDepth, a name repeated
// with another case (encoding/json matches fields without regard to case,
// so {"carrier": "a", "Carrier": "b"} would silently keep "b"), a NUL
// character, and names, numbers or arrays past the limits above. Every
// error names the JSON pointer of the value at fault: 400 (malformed) for
// what cannot be read unambiguously, 422 for a value out of its limits.
func checkJSON(body []byte) error {
	return checkJSONArrays(body, maxJSONArrayLen)
}

// checkJSONArrays is checkJSON with another bound on arrays, for bodies
// that are collections (an imported network's FeatureCollection).
func checkJSONArrays(body []byte, maxArrayLen int64) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return malformed("", "empty body: expected a JSON document")
	}
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	// folded[d] holds the names of the object open at depth d, case
	// folded; nil for an array.
	var folded []map[string]string
	for {
		if err := checkToken(dec, &folded, maxArrayLen); err != nil {
			return err
		}
		if dec.StackDepth() == 0 {
			// One document and nothing after it: the tokenizer reads a
			// stream of values, a body holds one.
			end := dec.InputOffset()
			switch _, err := dec.ReadToken(); {
			case err == io.EOF:
				return nil
			case err != nil:
				return tokenizerProblem(err)
			}
			return malformed("", "invalid JSON at byte %d: a second value after the document", end)
		}
	}
}

// checkToken reads the next token of dec and checks it against the limits;
// folded[d] holds the case-folded names of the object open at depth d+1.
func checkToken(dec *jsontext.Decoder, folded *[]map[string]string, maxArrayLen int64) error {
	kind := dec.PeekKind()
	var raw []byte
	var err error
	switch kind {
	case '{', '[', '}', ']', 0:
		_, err = dec.ReadToken()
	default:
		raw, err = dec.ReadValue()
	}
	if err != nil {
		return tokenizerProblem(err)
	}
	depth := dec.StackDepth()
	switch kind {
	case '{', '[':
		if depth > maxJSONDepth {
			return malformed(string(dec.StackPointer()), "nested more than %d levels deep", maxJSONDepth)
		}
		var names map[string]string
		if kind == '{' {
			names = map[string]string{}
		}
		*folded = append((*folded)[:depth-1], names)
		return nil
	case '}', ']':
		return nil
	}
	// A scalar or a member name, in the container at depth (if any).
	if depth == 0 {
		return nil
	}
	container, n := dec.StackIndex(depth)
	if container == '[' && n > maxArrayLen {
		return valueError(parentPointer(dec), "an array of more than %d elements", maxArrayLen)
	}
	isName := container == '{' && n%2 == 1
	switch {
	case isName:
		if len(raw) > maxJSONKeyBytes {
			return malformed(parentPointer(dec), "a member name of %d bytes: at most %d are allowed", len(raw), maxJSONKeyBytes)
		}
		name := unquote(raw)
		if strings.IndexByte(name, 0) >= 0 {
			// A name is no value a field could hold: like a name too long,
			// the document is malformed (400), named by its object.
			return malformed(parentPointer(dec), "a member name contains a NUL character")
		}
		fk := foldName(name)
		if prev, dup := (*folded)[depth-1][fk]; dup && prev != name {
			return malformed(string(dec.StackPointer()), "duplicate member %q: it repeats %q, and names are matched without regard to case", name, prev)
		}
		(*folded)[depth-1][fk] = name
	case kind == '"':
		if bytes.Contains(raw, []byte(`\u0000`)) && strings.IndexByte(unquote(raw), 0) >= 0 {
			return valueError(string(dec.StackPointer()), "contains a NUL character")
		}
	case kind == '0':
		if len(raw) > maxJSONNumberBytes {
			return valueError(string(dec.StackPointer()), "a number written with %d characters: at most %d are allowed", len(raw), maxJSONNumberBytes)
		}
	}
	return nil
}

// valueError is a 422 about the value at ptr or, for the document itself
// (ptr ""), a 400: a bare string, number or array is no body we take.
func valueError(ptr, format string, args ...any) error {
	if ptr == "" {
		return malformed("", format, args...)
	}
	return planning.FieldError(ptr, format, args...)
}

// tokenizerProblem turns the tokenizer's error into a 400 naming the JSON
// pointer and the byte offset, without the tokenizer's package prefix and
// with its reason cut short (it may quote a member name).
func tokenizerProblem(err error) error {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return malformed("", "invalid JSON: %s", cut(err.Error()))
	}
	reason := "invalid JSON"
	if se.Err != nil {
		reason = se.Err.Error()
	}
	if errors.Is(se.Err, io.ErrUnexpectedEOF) {
		reason = "unexpected end of JSON input"
	}
	return malformed(string(se.JSONPointer), "invalid JSON at byte %d: %s", se.ByteOffset, cut(reason))
}

// cut shortens s to maxReasonBytes, on a character boundary.
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

// parentPointer is the pointer of the container of the value just read.
func parentPointer(dec *jsontext.Decoder) string {
	p := string(dec.StackPointer())
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// unquote returns the text of a JSON string token the tokenizer has
// already validated.
func unquote(raw []byte) string {
	s, err := jsontext.AppendUnquote(nil, raw)
	if err != nil {
		return string(raw)
	}
	return string(s)
}

// foldName returns a key equal for two names exactly when
// bytes.EqualFold finds them equal, as encoding/json matches names to
// fields: each character is replaced by the smallest of its simple case
// folding orbit.
func foldName(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		out = append(out, m)
	}
	return string(out)
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

// valueSpan is one value of a document: where it starts and ends (bytes)
// and its JSON pointer.
type valueSpan struct {
	start, end int64
	pointer    string
}

// walkValues calls visit for every value of a valid body (checkJSON has
// passed it) in the order the values end: a container after its members.
// visit returns false to stop.
func walkValues(body []byte, visit func(v valueSpan, scalar bool) bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	var open []valueSpan // the containers around the next token
	for {
		kind := dec.PeekKind()
		switch kind {
		case 0:
			return
		case '{', '[':
			if _, err := dec.ReadToken(); err != nil {
				return
			}
			open = append(open, valueSpan{start: dec.InputOffset() - 1, pointer: string(dec.StackPointer())})
			continue
		case '}', ']':
			if _, err := dec.ReadToken(); err != nil || len(open) == 0 {
				return
			}
			v := open[len(open)-1]
			open = open[:len(open)-1]
			v.end = dec.InputOffset()
			if !visit(v, false) {
				return
			}
			continue
		}
		raw, err := dec.ReadValue()
		if err != nil {
			return
		}
		depth := dec.StackDepth()
		if container, n := dec.StackIndex(depth); container == '{' && n%2 == 1 {
			continue // a member name, not a value
		}
		end := dec.InputOffset()
		if !visit(valueSpan{start: end - int64(len(raw)), end: end, pointer: string(dec.StackPointer())}, true) {
			return
		}
	}
}

// pointerOf returns the JSON pointer of the innermost value of body that
// holds byte offset, or "" (the whole document) when none does.
func pointerOf(body []byte, offset int64) string {
	found := ""
	walkValues(body, func(v valueSpan, _ bool) bool {
		if v.start <= offset && offset < v.end {
			// Values end innermost first: the first that holds offset.
			found = v.pointer
			return false
		}
		return true
	})
	return found
}

// lastScalarBefore returns the start of the last string, number or literal
// of body that ends at or before byte end, or -1 if there is none.
func lastScalarBefore(body []byte, end int64) int64 {
	last := int64(-1)
	walkValues(body, func(v valueSpan, scalar bool) bool {
		if v.start > end {
			return false
		}
		if scalar && v.end <= end {
			last = v.start
		}
		return true
	})
	return last
}
