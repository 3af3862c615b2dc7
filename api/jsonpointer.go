package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"btsplan/planning"
)

// decodeJSON unmarshals body into v. A syntax error becomes a 400 problem
// and a value of the wrong type (a string for a number, a number too large
// for a float64 such as 1e999) a 422, both naming the JSON pointer of the
// offending value and its byte offset, so "NaN" in height_m is reported at
// /properties/height_m rather than as "invalid character 'N'".
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return malformed("", "empty body: expected a JSON document")
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		at, _ := pointerAt(body[:min(syn.Offset, int64(len(body)))], syn.Offset)
		return malformed(at, "invalid JSON at byte %d: %v", syn.Offset, syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		// Trust the walked pointer only if it agrees with encoding/json's
		// own (index-free) path: it adds the array indexes.
		_, last := pointerAt(body, typ.Offset)
		if dotted := dottedToPointer(typ.Field); withoutIndexes(last) != dotted {
			last = dotted
		}
		reason := "wrong type: " + typ.Value + " where " + jsonTypeName(typ.Type.String()) + " is expected"
		if strings.HasPrefix(typ.Value, "number") && jsonTypeName(typ.Type.String()) == "a number" {
			reason = typ.Value + " is out of range: not a finite number"
		}
		return planning.FieldError(last, "%s", reason)
	}
	return malformed("", "invalid JSON: %v", err)
}

// jsonTypeName describes a Go type the way a JSON writer thinks of it.
func jsonTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "float"), strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a number"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	default:
		return "an object"
	}
}

// dottedToPointer turns encoding/json's "properties.height_m" into the
// JSON pointer "/properties/height_m".
func dottedToPointer(field string) string {
	if field == "" {
		return ""
	}
	parts := strings.Split(field, ".")
	for i, p := range parts {
		parts[i] = escapePointer(p)
	}
	return "/" + strings.Join(parts, "/")
}

// escapePointer escapes one reference token (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// frame is one open object or array while walking a document.
type frame struct {
	object  bool
	key     string // the current member name, in an object
	wantKey bool   // in an object: the next string is a member name
	index   int    // the current element, in an array
}

// pointerAt walks body up to offset and returns the JSON pointer of the
// value being read there (where a syntax error struck), and the pointer of
// the last scalar value read by then (one byte of slack: encoding/json puts
// a type error's offset at or just past the end of the bad value), or "" if
// there was none.
func pointerAt(body []byte, offset int64) (at, last string) {
	limit := min(offset+1, int64(len(body)))
	dec := json.NewDecoder(bytes.NewReader(body[:limit]))
	dec.UseNumber()
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.object && !f.wantKey:
				b.WriteString("/" + escapePointer(f.key))
			case !f.object:
				b.WriteString("/" + strconv.Itoa(f.index))
			}
		}
		return b.String()
	}
	// advance marks the value at the top of the stack as read.
	advance := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	for {
		before := path()
		tok, err := dec.Token()
		if err != nil || dec.InputOffset() > offset {
			// Past the offset, at its end, or at the syntax error itself.
			if err == nil {
				if _, isDelim := tok.(json.Delim); !isDelim {
					if !isKey(stack, tok) {
						last = before
					}
				}
			}
			return before, last
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		default:
			if isKey(stack, tok) {
				stack[len(stack)-1].key = t.(string)
				stack[len(stack)-1].wantKey = false
				continue
			}
			last = before
			advance()
		}
	}
}

// isKey reports whether tok, read with stack open, is a member name.
func isKey(stack []frame, tok json.Token) bool {
	_, isString := tok.(string)
	n := len(stack)
	return isString && n > 0 && stack[n-1].object && stack[n-1].wantKey
}

// withoutIndexes drops the array indexes from a JSON pointer.
func withoutIndexes(p string) string {
	if p == "" {
		return ""
	}
	parts := strings.Split(p[1:], "/")
	kept := parts[:0]
	for _, s := range parts {
		if _, err := strconv.Atoi(s); err != nil {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return "/" + strings.Join(kept, "/")
}
