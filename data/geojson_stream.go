package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/geo"
	"btsplan/planning"
)

// This file reads a GeoJSON FeatureCollection as a stream: the top-level
// object with an encoding/json Decoder token by token, and each member of
// "features" as one value, so that memory stays flat however large the
// file. Geometries are decoded by orb/geojson, after featureChecker has
// checked their JSON and before validateGeometry checks what orb made of
// them; properties are kept as the raw JSON object so that they reach
// jsonb unchanged (orb would turn every number into a float64 and lose
// large integers such as OSM ids).

// errTooLarge is returned by limitReader past its limit.
var errTooLarge = errors.New("body too large")

// limitReader counts the bytes read and fails with errTooLarge once more
// than max have been read (max 0 means no limit).
type limitReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.max > 0 && l.n > l.max {
		return 0, errTooLarge
	}
	if l.max > 0 && int64(len(p)) > l.max-l.n+1 {
		p = p[:l.max-l.n+1] // read at most one byte past the limit
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.max > 0 && l.n > l.max {
		return n, errTooLarge
	}
	return n, err
}

// rawFeature is one GeoJSON Feature with its members undecoded: each is
// interpreted by hand, so that no decoder message (naming Go types) reaches
// the caller.
type rawFeature struct {
	Type       json.RawMessage `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// feature is one decoded feature of the stream.
type feature struct {
	Index    int                        // 0-based position in "features"
	Geometry orb.Geometry               // in the source CRS
	Props    json.RawMessage            // the properties object, "{}" when null or missing
	fields   map[string]json.RawMessage // Props by key, decoded on demand
	id, name string                     // the "id" member and the name property, for messages
}

// label names the feature in messages: its index, and its id and name
// when it has them.
func (f *feature) label() string {
	s := "feature " + strconv.Itoa(f.Index)
	switch {
	case f.id != "" && f.name != "":
		s += fmt.Sprintf(" (id %s, %q)", shorten(f.id), shorten(f.name))
	case f.id != "":
		s += " (id " + shorten(f.id) + ")"
	case f.name != "":
		s += fmt.Sprintf(" (%q)", shorten(f.name))
	}
	return s
}

// prop returns the property key as text: a string as is, a number or a
// boolean as written, and ok false when the property is missing or null.
func (f *feature) prop(key string) (string, bool, error) {
	if f.fields == nil {
		if err := json.Unmarshal(f.Props, &f.fields); err != nil {
			return "", false, err
		}
	}
	raw, ok := f.fields[key]
	if !ok || string(raw) == "null" {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true, nil
	}
	switch raw[0] {
	case '{', '[':
		return "", false, fmt.Errorf("property %q is not a string or a number", key)
	}
	return string(raw), true, nil
}

// featureStream reads one FeatureCollection. Call header, then next until it
// returns io.EOF, then trailer; crs is known after trailer (the "crs" member
// may follow "features").
type featureStream struct {
	in    *limitReader
	dec   *json.Decoder
	index int  // index of the next feature
	inArr bool // inside "features"
	typ   string
	crs   int // SRID named by the legacy "crs" member, 0 when none
	seenF bool
	limit int64
	// nameKey is the property that names a feature in messages.
	nameKey string
	// firstDegrees is the index of the first feature whose coordinates
	// all look like degrees, -1 while none does: in a projected CRS such a
	// feature is surely in the wrong one.
	firstDegrees int
	// check pre-checks each feature's JSON, keeping its tokenizers.
	check featureChecker
}

func newFeatureStream(r io.Reader, maxBytes int64) *featureStream {
	in := &limitReader{r: r, max: maxBytes}
	dec := json.NewDecoder(in)
	return &featureStream{in: in, dec: dec, limit: maxBytes, nameKey: "name", firstDegrees: -1}
}

// BytesRead returns the bytes read from the source so far.
func (s *featureStream) BytesRead() int64 { return s.in.n }

// invalid returns an Invalid error about field (a JSON pointer into the
// file), turning a read past the size limit into the size-limit error.
func (s *featureStream) invalid(field string, err error) error {
	if errors.Is(err, errTooLarge) {
		return &planning.Error{Kind: planning.Invalid,
			Err: fmt.Errorf("the file exceeds the size limit of %d bytes", s.limit)}
	}
	if !strings.HasPrefix(field, "/features/") && !strings.Contains(err.Error(), "byte ") {
		// Outside a feature, the byte offset is the only way to the fault.
		err = fmt.Errorf("%w (at byte %d)", err, s.dec.InputOffset())
	}
	return &planning.Error{Kind: planning.Invalid, Field: field, Err: err}
}

// header reads the top-level object up to the first feature.
func (s *featureStream) header() error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.invalid("", fmt.Errorf("not GeoJSON: %w", jsonErr(err)))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return s.invalid("", errors.New("not GeoJSON: the file is not a JSON object"))
	}
	return s.members()
}

// members reads top-level members until "features" opens (inArr) or the
// object closes.
func (s *featureStream) members() error {
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return s.invalid("", fmt.Errorf("malformed JSON: %w", jsonErr(err)))
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			if err := s.dec.Decode(&s.typ); err != nil {
				return s.invalid("/type", fmt.Errorf("malformed type: %w", jsonErr(err)))
			}
			if s.typ != "FeatureCollection" {
				return s.invalid("/type", fmt.Errorf("not a FeatureCollection: type is %q", shorten(s.typ)))
			}
		case "crs":
			var raw json.RawMessage
			if err := s.dec.Decode(&raw); err != nil {
				return s.invalid("/crs", fmt.Errorf("malformed crs: %w", jsonErr(err)))
			}
			c, err := parseLegacyCRS(raw)
			if err != nil {
				return s.invalid("/crs", err)
			}
			srid, err := c.srid()
			if err != nil {
				return s.invalid("/crs", err)
			}
			s.crs = srid
		case "features":
			if s.seenF {
				return s.invalid("/features", errors.New("a second features member"))
			}
			s.seenF = true
			tok, err := s.dec.Token()
			if err != nil {
				return s.invalid("/features", fmt.Errorf("malformed JSON: %w", jsonErr(err)))
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return s.invalid("/features", errors.New("features is not an array"))
			}
			s.inArr = true
			return nil
		default:
			var skip json.RawMessage
			if err := s.dec.Decode(&skip); err != nil {
				return s.invalid("/"+pointerEscape(key), fmt.Errorf("malformed JSON: %w", jsonErr(err)))
			}
		}
	}
	return nil
}

// next returns the next feature, or io.EOF after the last one.
func (s *featureStream) next() (feature, error) {
	if !s.inArr {
		return feature{}, io.EOF
	}
	if !s.dec.More() {
		if _, err := s.dec.Token(); err != nil { // the closing ]
			return feature{}, s.invalid("/features", fmt.Errorf("malformed JSON: %w", jsonErr(err)))
		}
		s.inArr = false
		return feature{}, io.EOF
	}
	i := s.index
	s.index++
	field := "/features/" + strconv.Itoa(i)
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return feature{}, s.invalid(field, fmt.Errorf("feature %d: %w", i, jsonErr(err)))
	}
	if first(raw) != '{' {
		return feature{}, s.invalid(field, fmt.Errorf("feature %d is not a GeoJSON Feature object", i))
	}
	if err := s.check.check(raw, i); err != nil {
		var ge *geomError
		if errors.As(err, &ge) {
			f := s.labelled(raw, i)
			return feature{}, s.invalid(field+"/geometry"+ge.at, fmt.Errorf("%s: %s", f.label(), ge.msg))
		}
		return feature{}, err
	}
	var rf rawFeature
	if err := json.Unmarshal(raw, &rf); err != nil {
		return feature{}, s.invalid(field, fmt.Errorf("feature %d: %w", i, jsonErr(err)))
	}
	var typ string
	if first(rf.Type) != '"' || json.Unmarshal(rf.Type, &typ) != nil {
		return feature{}, s.invalid(field+"/type", fmt.Errorf("feature %d has no type; want Feature", i))
	}
	if typ != "Feature" {
		return feature{}, s.invalid(field+"/type", fmt.Errorf("feature %d: type is %q, not Feature", i, shorten(typ)))
	}
	f := feature{Index: i, Props: bytes.TrimSpace(rf.Properties), id: featureID(rf.ID)}
	switch {
	case len(f.Props) == 0 || string(f.Props) == "null":
		f.Props = json.RawMessage("{}")
	case f.Props[0] != '{':
		return feature{}, s.invalid(field+"/properties", fmt.Errorf("%s: properties is not an object", f.label()))
	}
	if name, ok, err := f.prop(s.nameKey); err == nil && ok {
		f.name = name
	}
	if len(rf.Geometry) == 0 || string(rf.Geometry) == "null" {
		return feature{}, s.invalid(field+"/geometry", fmt.Errorf("%s has no geometry", f.label()))
	}
	// UnmarshalJSON itself rather than UnmarshalGeometry: the JSON is
	// known to be valid, and this spares one scan of it.
	var gj geojson.Geometry
	if err := gj.UnmarshalJSON(rf.Geometry); err != nil {
		// featureChecker refuses all that orb/geojson refuses (the fuzz
		// target checks it), and orb's text names Go types.
		return feature{}, s.invalid(field+"/geometry", fmt.Errorf("%s: %s", f.label(), errUndecodable))
	}
	g := gj.Geometry()
	if err := validateGeometry(g, ""); err != nil {
		var ge *geomError
		if errors.As(err, &ge) {
			return feature{}, s.invalid(field+"/geometry"+ge.at, fmt.Errorf("%s: %s", f.label(), ge.msg))
		}
		return feature{}, s.invalid(field+"/geometry", fmt.Errorf("%s: %w", f.label(), err))
	}
	f.Geometry = g
	if s.firstDegrees < 0 && inDegrees(g.Bound()) {
		s.firstDegrees = i
	}
	return f, nil
}

// errUndecodable is what a geometry orb/geojson cannot decode is told;
// featureChecker should have found its fault first.
var errUndecodable = errors.New("the geometry cannot be decoded as GeoJSON")

// labelled returns feature i with what its label needs, its id and name,
// read from raw as far as they can be: for the message of a fault found
// before the feature is decoded.
func (s *featureStream) labelled(raw []byte, i int) feature {
	f := feature{Index: i}
	var rf rawFeature
	if json.Unmarshal(raw, &rf) != nil {
		return f
	}
	f.id = featureID(rf.ID)
	if p := bytes.TrimSpace(rf.Properties); first(p) == '{' {
		f.Props = p
		// The properties may not have been checked yet: a name that is no
		// one-line text is left out.
		if name, ok, err := f.prop(s.nameKey); err == nil && ok && planning.CheckLine("", name, planning.MaxNameChars) == nil {
			f.name = name
		}
	}
	return f
}

// first returns the first byte of b that is not white space, 0 if none.
func first(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// inDegrees reports whether b fits in [-180, 180] × [-90, 90]: numbers that
// look like longitude and latitude.
func inDegrees(b orb.Bound) bool {
	return b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90
}

// featureID returns the feature's "id" member as text for messages: a
// string or a number, "" when absent or of another kind.
func featureID(raw json.RawMessage) string {
	switch c := first(raw); {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil && planning.CheckLine("id", s, planning.MaxNameChars) == nil {
			return s
		}
	case c == '-' || c >= '0' && c <= '9':
		return string(bytes.TrimSpace(raw))
	}
	return ""
}

// trailer reads the members after "features" and checks the end of the file.
func (s *featureStream) trailer() error {
	if err := s.members(); err != nil {
		return err
	}
	if s.inArr {
		return s.invalid("/features", errors.New("a second features member"))
	}
	if _, err := s.dec.Token(); err != nil { // the closing }
		return s.invalid("", fmt.Errorf("malformed JSON: %w", jsonErr(err)))
	}
	if _, err := s.dec.Token(); err != io.EOF {
		if err != nil {
			return s.invalid("", fmt.Errorf("malformed JSON after the FeatureCollection: %w", jsonErr(err)))
		}
		return s.invalid("", errors.New("data after the FeatureCollection"))
	}
	switch {
	case s.typ == "":
		return s.invalid("/type", errors.New("not a FeatureCollection: no type member"))
	case !s.seenF:
		return s.invalid("/features", errors.New("not a FeatureCollection: no features member"))
	}
	return nil
}

// jsonErr makes decoder errors readable: an unexpected EOF says the file
// was cut short, a syntax error gives its byte offset, a value of the wrong
// kind says which kind it is (never the Go type it was meant for).
func jsonErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("unexpected end of file")
	case errors.As(err, &se) && strings.Contains(se.Error(), "exceeded max depth"):
		return fmt.Errorf("arrays and objects nested more than 10000 levels deep at byte %d", se.Offset)
	case errors.As(err, &se):
		return fmt.Errorf("%s at byte %d", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("a JSON %s where %s was expected (at byte %d)", te.Value, jsonKind(te.Type), te.Offset)
	case errors.Is(err, errTooLarge):
		return err
	}
	// The decoder's other errors (nesting beyond its limit) carry no Go
	// names but a "json: " prefix.
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names the JSON kind a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another value"
}

// parseLegacyCRS reads the "crs" member by hand, so that a member of the
// wrong kind gets a plain message.
func parseLegacyCRS(raw json.RawMessage) (legacyCRS, error) {
	var c legacyCRS
	var obj struct {
		Type       json.RawMessage `json:"type"`
		Properties json.RawMessage `json:"properties"`
	}
	if first(raw) != '{' || json.Unmarshal(raw, &obj) != nil {
		return c, errors.New("crs is not an object such as {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:9210\"}}")
	}
	if first(obj.Type) != '"' || json.Unmarshal(obj.Type, &c.Type) != nil {
		return c, errors.New("crs has no type; only named crs are supported")
	}
	var props struct {
		Name json.RawMessage `json:"name"`
	}
	if first(obj.Properties) != '{' || json.Unmarshal(obj.Properties, &props) != nil ||
		first(props.Name) != '"' || json.Unmarshal(props.Name, &c.Properties.Name) != nil {
		if c.Type != "name" {
			return c, fmt.Errorf("crs of type %q is not supported, only named crs", shorten(c.Type))
		}
		return c, errors.New("crs has no properties.name naming the CRS, such as \"EPSG:9210\"")
	}
	return c, nil
}

// legacyCRS is the "crs" member of GeoJSON 2008, dropped by RFC 7946 but
// still written by many tools: {"type": "name", "properties": {"name": ...}}.
type legacyCRS struct {
	Type       string `json:"type"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// srid returns the EPSG code the crs names. It accepts
// urn:ogc:def:crs:EPSG::NNNN (with or without a version), EPSG:NNNN and
// OGC CRS84 (WGS 84 in lon/lat order, SRID 4326). EPSG:4326 is read in
// lon/lat order too, as GDAL and every GeoJSON writer do.
func (c legacyCRS) srid() (int, error) {
	if c.Type != "name" {
		return 0, fmt.Errorf("crs of type %q is not supported, only named crs", shorten(c.Type))
	}
	name := strings.TrimSpace(c.Properties.Name)
	upper := strings.ToUpper(name)
	switch upper {
	case "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:OGC::CRS84", "OGC:CRS84", "CRS84":
		return geo.SRIDWGS84, nil
	}
	var code string
	switch {
	case strings.HasPrefix(upper, "URN:OGC:DEF:CRS:EPSG:"):
		rest := upper[len("URN:OGC:DEF:CRS:EPSG:"):] // "[version]:NNNN"
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			return 0, fmt.Errorf("crs %q is not an EPSG URN", shorten(name))
		}
		code = rest[i+1:]
	case strings.HasPrefix(upper, "EPSG:"):
		code = upper[len("EPSG:"):]
	default:
		return 0, fmt.Errorf("crs %q is not supported: name an EPSG code or OGC CRS84", shorten(name))
	}
	n, err := strconv.Atoi(code)
	if err != nil || n <= 0 || n > math.MaxInt32 {
		return 0, fmt.Errorf("crs %q has no EPSG code", shorten(name))
	}
	return n, nil
}
