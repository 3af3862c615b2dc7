package api

import (
	"reflect"

	"encoding/json"
	"errors"
	"github.com/gin-gonic/gin"
	jsonv2 "github.com/go-json-experiment/json"
	"strconv"
	"strings"

	"btsplan/planning"
)

// decodeJSON checks body with checkJSON (syntax, depth, duplicate members,
// UTF-8, NUL, sizes: one linear pass) and unmarshals it into v. A syntax
// error becomes a 400 problem and a value of the wrong type (a string for a
// number, a number too large for a float64 such as 1e999) a 422, both
// naming the JSON pointer of the offending value, so "NaN" in height_m is
// reported at /properties/height_m rather than as "invalid character 'N'".
// Every JSON body the API reads goes through here.
func decodeJSON(body []byte, v any) error {
	if err := checkJSON(body); err != nil {
		return err
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// checkJSON accepts no syntax json.Unmarshal refuses; should it
		// ever, the offset still says where.
		return malformed("", "invalid JSON at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		// encoding/json puts a container's offset just inside it, so the
		// value holding the byte before is the one at fault, and a
		// scalar's at or just past its end (or past the end of the array
		// it was read in, for a value decoded into any): the last scalar
		// read by then is the one. Trust the walked pointer only if it
		// agrees with encoding/json's own (index-free) path: it adds the
		// indexes.
		var at string
		switch typ.Value {
		case "array", "object":
			at = pointerOf(body, typ.Offset-1)
		default:
			at = pointerOf(body, lastScalarBefore(body, typ.Offset+1))
		}
		if dotted := dottedToPointer(typ.Field); withoutIndexes(at) != dotted {
			at = dotted
		}
		want := jsonTypeName(typ.Type.String())
		if at == "" {
			// The document itself: not a field's mistake but the wrong body.
			return malformed("", "the body is %s: want a JSON object", articled(jsonValueName(typ.Value)))
		}
		reason := "wrong type: " + jsonValueName(typ.Value) + " where " + want + " is expected"
		if strings.HasPrefix(typ.Value, "number") && want == "a number" {
			reason = "number out of range: not a finite number"
			if k := typ.Type.Kind(); k >= reflect.Int && k <= reflect.Uint64 {
				reason = "not a whole number in range: an integer is expected"
			}
		}
		return planning.FieldError(at, "%s", reason)
	}
	// Only a bug (an UnmarshalJSON of ours failing) gets here; its text is
	// not the client's business.
	return &planning.Error{Kind: planning.Internal, Err: err}
}

// articled puts "a" or "an" before a JSON type name.
func articled(name string) string {
	switch name[0] {
	case 'a', 'o':
		return "an " + name
	}
	return "a " + name
}

// jsonValueName names the JSON type in an UnmarshalTypeError's Value
// ("number 1e999", "string", "array", ...) without echoing the value.
func jsonValueName(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "number", "string", "array", "object":
		return kind
	case "bool":
		return "boolean"
	}
	return "value"
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
	return string(appendPointerToken(nil, []byte(s)))
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

// readStrictJSON reads the request's JSON body (a JSON media type, at most
// limit bytes) into v, through decodeJSON, and refuses any member that v
// has no field for, naming it by its JSON pointer: a misspelt option
// (radius instead of radius_m) silently ignored would compute something
// else than was asked.
func readStrictJSON(c *gin.Context, limit int64, v any) error {
	if err := checkJSONContentType(c); err != nil {
		return err
	}
	body, err := readBody(c, limit)
	if err != nil {
		return err
	}
	if err := decodeJSON(body, v); err != nil {
		return err
	}
	return unknownMember(body, v)
}

// unknownMember decodes body once more into a new value of v's type with
// encoding/json/v2, which names an unknown member by its JSON pointer
// (encoding/json gives only its name). Names match regardless of case, as
// encoding/json matched them in decodeJSON. Other errors were decodeJSON's
// to report.
func unknownMember(body []byte, v any) error {
	fresh := reflect.New(reflect.TypeOf(v).Elem()).Interface()
	err := jsonv2.Unmarshal(body, fresh, jsonv2.RejectUnknownMembers(true), jsonv2.MatchCaseInsensitiveNames(true))
	var se *jsonv2.SemanticError
	if errors.As(err, &se) && errors.Is(se.Err, jsonv2.ErrUnknownName) {
		ptr := string(se.JSONPointer)
		name := ptr[strings.LastIndexByte(ptr, '/')+1:]
		return planning.FieldError(ptr, "unknown member %s", echo(strings.NewReplacer("~1", "/", "~0", "~").Replace(name)))
	}
	return nil
}
