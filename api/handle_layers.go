package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// layerList is the body of GET /v1/layers.
type layerList struct {
	Layers []layerOut `json:"layers"`
}

// handleListLayers serves GET /v1/layers: every layer version, newest
// first within a name.
func (s *server) handleListLayers() handlerFunc {
	return func(c *gin.Context) error {
		ls, err := s.svc.Layers().Layers(c.Request.Context())
		if err != nil {
			return fmt.Errorf("list layers: %w", err)
		}
		out := layerList{Layers: make([]layerOut, 0, len(ls))}
		for _, l := range ls {
			out.Layers = append(out.Layers, newLayerOut(l))
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, out)
		return nil
	}
}

// layerGeoJSONPath is where a layer version is downloaded.
func layerGeoJSONPath(l planning.Layer) string {
	return fmt.Sprintf("/v1/layers/%s.geojson?version=%d", url.PathEscape(l.Name), l.Version)
}

// importParams are the query parameters of POST /v1/layers; an Invalid
// error from the service naming only these is the caller's malformed
// request (400), like the ones found here. srid is the exception: a
// well-formed EPSG code that spatial_ref_sys does not know, or that
// disagrees with the file's crs, is a 422 like the file's own faults.
var importParams = []string{"kind", "name", "category", "category_field", "category_map", "srid", "name_field", "population_field", "source", "licence", "allow_outside"}

// malformedImportParams are the importParams whose refusal by the
// service is a 400.
var malformedImportParams = slices.DeleteFunc(slices.Clone(importParams), func(p string) bool { return p == "srid" })

// importReportOut is the body of 201 after an import.
type importReportOut struct {
	Layer    layerOut    `json:"layer"`
	Version  int         `json:"version"`
	Features int         `json:"features"`
	Repairs  []repairOut `json:"repairs"`
}

type repairOut struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// handleImportLayer serves POST /v1/layers: the options in the query, a
// GeoJSON FeatureCollection as the body, streamed to the store (never held
// in memory) within Config.MaxLayerBytes.
func (s *server) handleImportLayer() handlerFunc {
	return func(c *gin.Context) error {
		// The media type first: a cross-site form post is refused (415)
		// whatever its query says.
		if err := checkJSONContentType(c); err != nil {
			return err
		}
		spec, err := layerSpec(c.Request.URL.Query())
		if err != nil {
			return err
		}
		spec.MaxBytes = s.cfg.MaxLayerBytes
		if c.Request.ContentLength > s.cfg.MaxLayerBytes {
			return tooLarge(s.cfg.MaxLayerBytes)
		}
		body := &limitedBody{r: http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxLayerBytes)}
		br := bufio.NewReaderSize(body, 64<<10)
		if err := sniffGeoJSONObject(br); err != nil {
			if body.over {
				return tooLarge(s.cfg.MaxLayerBytes)
			}
			return err
		}
		rep, err := s.svc.ImportLayer(c.Request.Context(), spec, br, nil)
		switch {
		case body.over:
			// Whatever the store made of the cut-off stream, the cause is
			// the limit.
			return tooLarge(s.cfg.MaxLayerBytes)
		case err != nil && planning.KindOf(err) == planning.Invalid && onlyFields(err, malformedImportParams):
			return &planning.Error{Kind: planning.Invalid, Err: fmt.Errorf("%w: %w", errMalformed, err)}
		case err != nil:
			return err
		}
		out := importReportOut{
			Layer:    newLayerOut(rep.Layer),
			Version:  rep.Layer.Version,
			Features: rep.Features,
			Repairs:  make([]repairOut, 0, len(rep.Repairs)),
		}
		for _, r := range rep.Repairs {
			out.Repairs = append(out.Repairs, repairOut(r))
		}
		c.Header("Location", layerGeoJSONPath(rep.Layer))
		writeJSON(c, http.StatusCreated, contentTypeJSON, out)
		return nil
	}
}

// limitedBody notes whether the size limit under it was hit, since the
// store may report that as a read error of its own.
type limitedBody struct {
	r    io.Reader
	over bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.over = true
	}
	return n, err
}

// sniffGeoJSONObject rejects, before the store is involved, a body that
// cannot be a GeoJSON FeatureCollection: empty, or not a JSON object. The
// store checks the rest as it streams (type, features, geometries).
func sniffGeoJSONObject(br *bufio.Reader) error {
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return planning.FieldError("", "empty body: expected a GeoJSON FeatureCollection")
			}
			return malformed("", "read body: %v", err)
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.ReadByte()
			continue
		case 0xEF: // a UTF-8 byte-order mark, as some Windows tools write
			if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
				_, _ = br.Discard(3)
				continue
			}
		case '{':
			return nil
		}
		return planning.FieldError("", "not GeoJSON: the body must be a FeatureCollection object, starting with '{'")
	}
}

// onlyFields reports whether err names fields and all of them are in names.
func onlyFields(err error, names []string) bool {
	fs := planning.Fields(err)
	if len(fs) == 0 {
		return false
	}
	for _, f := range fs {
		if !slices.Contains(names, f) {
			return false
		}
	}
	return true
}

// importParamChars is the length limit of each import option, in
// characters: codes (kind, category) are planning.MaxCodeChars, names
// and the free one-line texts (source, licence) planning.MaxNameChars,
// the numbers and the category map maxParamChars.
var importParamChars = map[string]int{
	"kind":             planning.MaxCodeChars,
	"name":             planning.MaxNameChars,
	"category":         planning.MaxCodeChars,
	"category_field":   planning.MaxNameChars,
	"category_map":     maxParamChars,
	"srid":             maxParamChars,
	"allow_outside":    maxParamChars,
	"name_field":       planning.MaxNameChars,
	"population_field": planning.MaxNameChars,
	"source":           planning.MaxNameChars,
	"licence":          planning.MaxNameChars,
}

// maxSRID is the largest SRID PostGIS allows (SRID_MAXIMUM).
const maxSRID = 998999

// layerSpec reads the import options. Their form is checked here (each
// given once, one line within its limit, srid a canonical integer,
// category_map SRC:CODE pairs); kinds and category codes are the
// service's to check against the rule book.
func layerSpec(q url.Values) (planning.LayerSpec, error) {
	var errs []error
	get := make(map[string]string, len(importParams))
	for _, name := range importParams {
		v, err := queryParam(q, name, importParamChars[name])
		if err != nil {
			errs = append(errs, err)
		}
		get[name] = v
	}
	// An unknown parameter is most likely a misspelt one (sird=9210), whose
	// silent loss would import the layer in the wrong CRS.
	errs = append(errs, unknownParams(q, importParams...)...)
	spec := planning.LayerSpec{
		Kind:            get["kind"],
		Name:            get["name"],
		Category:        get["category"],
		CategoryField:   get["category_field"],
		NameField:       get["name_field"],
		PopulationField: get["population_field"],
		Source:          get["source"],
		Licence:         get["licence"],
	}
	switch v := get["allow_outside"]; v {
	case "", "false":
	case "true":
		spec.AllowOutside = true
	default:
		errs = append(errs, malformed("allow_outside", "want true or false"))
	}
	if spec.Kind == "" && len(q["kind"]) <= 1 {
		errs = append(errs, malformed("kind", "missing: one of %s", strings.Join(planning.LayerKinds, ", ")))
	}
	if strings.TrimSpace(spec.Name) == "" && len(q["name"]) <= 1 {
		errs = append(errs, malformed("name", "missing: the layer's name"))
	}
	if v := get["srid"]; v != "" {
		n, err := parseInt("srid", v, 1, maxSRID)
		if err != nil {
			errs = append(errs, err)
		}
		spec.SRID = n
	}
	if v := get["category_map"]; v != "" {
		m, err := parseCategoryMap(v)
		if err != nil {
			errs = append(errs, err)
		}
		spec.CategoryMap = m
		if spec.CategoryField == "" {
			errs = append(errs, malformed("category_field", "category_map needs category_field: the property whose values it maps"))
		}
	}
	if len(errs) > 0 {
		return spec, &planning.Error{Op: "import layer", Kind: planning.Invalid, Err: errors.Join(errs...)}
	}
	return spec, nil
}

// parseCategoryMap reads "SRC:CODE,SRC:CODE". A source value may itself
// hold a colon: the code is what follows the last one.
func parseCategoryMap(v string) (map[string]string, error) {
	m := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		i := strings.LastIndexByte(pair, ':')
		if i <= 0 || i == len(pair)-1 {
			return nil, malformed("category_map", "%s: want SRC:CODE pairs separated by commas", echo(pair))
		}
		src, code := pair[:i], pair[i+1:]
		if prev, dup := m[src]; dup && prev != code {
			return nil, malformed("category_map", "%s is mapped twice, to %s and %s", echo(src), echo(prev), echo(code))
		}
		m[src] = code
	}
	return m, nil
}

// layerFeatureProps are the properties of a zone in a layer export.
func layerFeature(z planning.Zone, l planning.Layer) *geojson.Feature {
	g := z.Geometry
	if g == nil {
		g = orb.Collection{}
	}
	f := geojson.NewFeature(g)
	f.ID = z.ID
	attrs := z.Attributes
	if attrs == nil {
		attrs = map[string]any{}
	}
	f.Properties = geojson.Properties{
		"id":            z.ID,
		"layer":         l.Name,
		"layer_kind":    l.Kind,
		"layer_version": l.Version,
		"category":      z.Category,
		"name":          z.Name,
		"attributes":    attrs,
	}
	return f
}

// handleLayerGeoJSON serves GET /v1/layers/{name}.geojson?version=&bbox=,
// streaming the zones one feature at a time as the store reads them and
// flushing as it goes, so a large layer never sits in memory.
//
// The response starts only with the first feature: an error before it
// (no such layer, the database down) is still a proper problem. An error
// after it cannot change the status any more; it is logged and the body
// is left unterminated, so a client sees invalid JSON rather than a
// silently short layer.
func (s *server) handleLayerGeoJSON() handlerFunc {
	return func(c *gin.Context) error {
		name, version, bbox, err := layerExportParams(c.Param("file"), c.Request.URL.Query())
		if err != nil {
			return err
		}
		ctx := c.Request.Context()
		store := s.svc.Layers()
		l, err := store.Layer(ctx, name, version)
		if err != nil {
			if version == 0 {
				return notFound(fmt.Errorf("layer %q: %w", name, err), "layer %s", echo(name))
			}
			return notFound(fmt.Errorf("layer %q version %d: %w", name, version, err), "layer %s version %d", echo(name), version)
		}

		w := c.Writer
		n, started, err := StreamLayer(ctx, w, store, l, bbox, func() {
			w.Header().Set("Content-Type", contentTypeGeoJSON)
			w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-v%d.geojson"`, sanitizeFilename(l.Name), l.Version))
			w.WriteHeader(http.StatusOK)
		}, w.Flush)
		if err != nil {
			if !started {
				return fmt.Errorf("stream layer %q v%d: %w", l.Name, l.Version, err)
			}
			s.log.ErrorContext(ctx, "layer stream cut short", "request_id", requestID(c),
				"layer", l.Name, "version", l.Version, "features", n, "err", err)
			_ = c.Error(err)
		}
		return nil
	}
}

// StreamLayer writes the zones of layer l within bbox (every zone when nil)
// to w as a GeoJSON FeatureCollection with the layer's name, kind and
// version as foreign members, one feature at a time as store reads them,
// calling flush every 32 KiB or so. Nothing is written before the first
// zone is read (or the store has said there is none): start is called
// then, and started reports whether it was. An error after the start
// leaves the collection unterminated, so that a reader sees invalid JSON
// rather than a silently short layer. It returns the features written.
func StreamLayer(ctx context.Context, w io.Writer, store planning.LayerStore, l planning.Layer, bbox *orb.Bound,
	start, flush func()) (n int, started bool, err error) {
	begin := func() {
		started = true
		start()
		head, _ := json.Marshal(map[string]any{"name": l.Name, "kind": l.Kind, "version": l.Version})
		// The layer's identity as foreign members, then the features.
		_, _ = fmt.Fprintf(w, `{"type":"FeatureCollection",%s,"features":[`, head[1:len(head)-1])
		flush()
	}
	pending := 0
	err = store.EachZone(ctx, l.ID, bbox, func(z planning.Zone) error {
		b, err := json.Marshal(layerFeature(z, l))
		if err != nil {
			return fmt.Errorf("encode zone %d: %w", z.ID, err)
		}
		if !started {
			begin()
		}
		if n > 0 {
			_, _ = io.WriteString(w, ",")
		}
		_, _ = io.WriteString(w, "\n")
		if _, err := w.Write(b); err != nil {
			return err // the client went away
		}
		n++
		// Flush every 32 KiB or so: the client sees features as they
		// come without a syscall per feature.
		pending += len(b)
		if pending >= 32<<10 {
			flush()
			pending = 0
		}
		return ctx.Err()
	})
	if err != nil {
		return n, started, err
	}
	if !started {
		begin()
	}
	_, err = io.WriteString(w, "\n]}\n")
	flush()
	return n, true, err
}

// layerExportParams reads the path segment "{name}.geojson" and the query
// (version, bbox) of a layer download. A segment without the suffix is no
// route (404); a name that could not be a layer's (NUL, control
// characters, invalid UTF-8, too long) and a malformed version or bbox
// are 400.
func layerExportParams(file string, q url.Values) (name string, version int, bbox *orb.Bound, err error) {
	name, ok := strings.CutSuffix(file, ".geojson")
	if !ok || name == "" {
		return "", 0, nil, &planning.Error{Kind: planning.NotFound,
			Err: fmt.Errorf("no route /v1/layers/%s: layers are at /v1/layers/{name}.geojson", strings.Trim(echo(file), `"`))}
	}
	if err := checkParamText("name", name, planning.MaxNameChars); err != nil {
		return "", 0, nil, err
	}
	errs := unknownParams(q, "version", "bbox")
	v, err := queryParam(q, "version", maxParamChars)
	if err != nil {
		errs = append(errs, err)
	} else if v != "" {
		// The version column is an integer (int4).
		if version, err = parseInt("version", v, 1, math.MaxInt32); err != nil {
			errs = append(errs, err)
		}
	}
	b, err := queryParam(q, "bbox", maxParamChars)
	if err != nil {
		errs = append(errs, err)
	} else if b != "" || q.Has("bbox") {
		if bbox, err = parseBBox(b); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return "", 0, nil, &planning.Error{Op: "download layer", Kind: planning.Invalid, Err: errors.Join(errs...)}
	}
	return name, version, bbox, nil
}

// sanitizeFilename keeps a layer name safe inside a quoted header value.
func sanitizeFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == '/' || r > 0x7e {
			return '_'
		}
		return r
	}, s)
}
