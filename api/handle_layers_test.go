package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/api"
	"btsplan/planning"
)

var testLayers = []planning.Layer{
	{ID: 12, Kind: planning.KindLandUse, Name: landuseLyr, Version: 3, Current: true, Source: "Sở NN&MT Hà Giang", Licence: "CC-BY-4.0", SourceSRID: 4326, FeatureCount: 5000, ImportedAt: testNow},
	{ID: 11, Kind: planning.KindLandUse, Name: landuseLyr, Version: 2, FeatureCount: 4800, ImportedAt: testNow.Add(-time.Hour)},
}

// withLayers makes the fake LayerStore hold testLayers, whose current
// version streams n zones.
func withLayers(n int) option {
	return func(_ *api.Config, ta *testAPI) {
		ta.layers.LayersFunc = func(context.Context) ([]planning.Layer, error) { return testLayers, nil }
		ta.layers.LayerFunc = func(_ context.Context, name string, version int) (planning.Layer, error) {
			for _, l := range testLayers {
				if l.Name == name && (version == l.Version || version == 0 && l.Current) {
					return l, nil
				}
			}
			return planning.Layer{}, planning.Errorf(planning.NotFound, "layer %q version %d not found", name, version)
		}
		ta.layers.EachZoneFunc = func(ctx context.Context, layerID int64, bbox *orb.Bound, fn func(planning.Zone) error) error {
			for i := 0; i < n; i++ {
				p := orb.Point{104.9 + float64(i%100)*0.001, 22.8 + float64(i/100)*0.001}
				if bbox != nil && !bbox.Contains(p) {
					continue
				}
				z := planning.Zone{ID: int64(i + 1), LayerID: layerID, Category: "RDD", Name: "Khoảnh " + itoa(int64(i)),
					Attributes: map[string]any{"ma_xa": "HG-DV-LC"}, Geometry: p}
				if err := fn(z); err != nil {
					return err
				}
			}
			return nil
		}
	}
}

func TestListLayers(t *testing.T) {
	ta := newTestAPI(t, withLayers(0))
	rec := ta.do(t, "GET", "/v1/layers", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var out struct {
		Layers []map[string]any `json:"layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Layers) != 2 || out.Layers[0]["name"] != landuseLyr || out.Layers[0]["version"] != 3.0 || out.Layers[0]["current"] != true ||
		out.Layers[0]["source"] != "Sở NN&MT Hà Giang" || out.Layers[0]["geojson"] != "/v1/layers/"+landuseLyr+".geojson?version=3" {
		t.Errorf("layers = %v", out.Layers)
	}
}

func TestLayerGeoJSON(t *testing.T) {
	ta := newTestAPI(t, withLayers(2500))
	fc := decodeFC(t, ta.do(t, "GET", "/v1/layers/"+landuseLyr+".geojson", nil))
	if len(fc.Features) != 2500 {
		t.Fatalf("%d features, want 2500", len(fc.Features))
	}
	f := fc.Features[7]
	if f.Properties["name"] != "Khoảnh 7" || f.Properties["category"] != "RDD" || f.Properties["layer_version"] != 3.0 || f.ID != 8.0 {
		t.Errorf("feature 7 = %+v", f)
	}
	if fc.ExtraMembers["name"] != landuseLyr || fc.ExtraMembers["version"] != 3.0 {
		t.Errorf("collection members = %v, want the layer's name and version", fc.ExtraMembers)
	}

	// bbox and version reach the store.
	fc = decodeFC(t, ta.do(t, "GET", "/v1/layers/"+landuseLyr+".geojson?version=2&bbox=104.9,22.8,104.9045,22.8005", nil))
	if len(fc.Features) != 5 || fc.ExtraMembers["version"] != 2.0 {
		t.Errorf("bbox export: %d features of version %v, want 5 of version 2", len(fc.Features), fc.ExtraMembers["version"])
	}
	// An empty result is still a valid collection.
	fc = decodeFC(t, ta.do(t, "GET", "/v1/layers/"+landuseLyr+".geojson?bbox=0,0,1,1", nil))
	if len(fc.Features) != 0 {
		t.Errorf("%d features outside the bbox, want 0", len(fc.Features))
	}

	for _, tt := range []struct {
		target     string
		wantStatus int
		wantField  string
	}{
		{"/v1/layers/nope.geojson", 404, ""},
		{"/v1/layers/" + landuseLyr + ".geojson?version=9", 404, ""},
		{"/v1/layers/" + landuseLyr, 404, ""},
		{"/v1/layers/" + landuseLyr + ".geojson?version=x", 400, "version"},
		{"/v1/layers/" + landuseLyr + ".geojson?bbox=1,2", 400, "bbox"},
		{"/v1/layers/" + landuseLyr + ".geojson?bbox=-190,0,1,1", 400, "bbox"},
	} {
		p := decodeProblem(t, ta.do(t, "GET", tt.target, nil), tt.wantStatus)
		if p.Field != tt.wantField {
			t.Errorf("GET %s: field = %q, want %q", tt.target, p.Field, tt.wantField)
		}
	}
}

// TestLayerGeoJSONStreams checks that features reach the client while the
// store is still reading: the store blocks after 500 zones until the
// client has read the first feature.
func TestLayerGeoJSONStreams(t *testing.T) {
	ta := newTestAPI(t, withLayers(0))
	firstRead := make(chan struct{})
	ta.layers.EachZoneFunc = func(ctx context.Context, _ int64, _ *orb.Bound, fn func(planning.Zone) error) error {
		for i := 0; i < 1000; i++ {
			if i == 500 {
				select {
				case <-firstRead:
				case <-time.After(10 * time.Second):
					return errors.New("the client saw nothing while the store was half way: not streamed")
				}
			}
			if err := fn(planning.Zone{ID: int64(i + 1), Category: "RDD", Name: strings.Repeat("x", 100), Geometry: orb.Point{105, 22}}); err != nil {
				return err
			}
		}
		return nil
	}
	srv := httptest.NewServer(ta.h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/layers/" + landuseLyr + ".geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	head, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, `"type":"Feature"`) {
		t.Fatalf("first feature line %q, %v", line, err)
	}
	close(firstRead)
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection([]byte(head + line + string(rest)))
	if err != nil || len(fc.Features) != 1000 {
		t.Fatalf("streamed collection: %v, %d features; want 1000", err, len(fc.Features))
	}
}

// TestLayerGeoJSONStoreFails: before the first feature a failure is a
// problem; after it the body is cut short as invalid JSON and logged.
func TestLayerGeoJSONStoreFails(t *testing.T) {
	for _, after := range []int{0, 3} {
		ta := newTestAPI(t, withLayers(0))
		ta.layers.EachZoneFunc = func(ctx context.Context, _ int64, _ *orb.Bound, fn func(planning.Zone) error) error {
			for i := 0; i < after; i++ {
				if err := fn(planning.Zone{ID: int64(i + 1), Geometry: orb.Point{105, 22}}); err != nil {
					return err
				}
			}
			return planning.Errorf(planning.Unavailable, "query timed out")
		}
		rec := ta.do(t, "GET", "/v1/layers/"+landuseLyr+".geojson", nil)
		if after == 0 {
			decodeProblem(t, rec, http.StatusServiceUnavailable)
			continue
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d after %d features, want 200 (already sent)", rec.Code, after)
		}
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err == nil {
			t.Errorf("a stream cut short is valid JSON: %s; want it invalid so the client notices", rec.Body)
		}
		if !strings.Contains(ta.logs.String(), "layer stream cut short") {
			t.Errorf("the cut was not logged: %s", ta.logs)
		}
	}
}

// importFake makes the fake ImportLayer decode the body as orb does, and
// count its calls.
func importFake(calls *int, got *planning.LayerSpec) option {
	return func(_ *api.Config, ta *testAPI) {
		ta.layers.ImportLayerFunc = func(_ context.Context, spec planning.LayerSpec, r io.Reader, _ func(int, int64)) (planning.ImportReport, error) {
			*calls++
			*got = spec
			b, err := io.ReadAll(r)
			if err != nil {
				return planning.ImportReport{}, planning.Errorf(planning.Invalid, "read: %v", err)
			}
			fc, err := geojson.UnmarshalFeatureCollection(b)
			if err != nil || fc.Type != "FeatureCollection" {
				return planning.ImportReport{}, planning.FieldError("/type", "not a FeatureCollection: %v", err)
			}
			l := planning.Layer{ID: 13, Kind: spec.Kind, Name: spec.Name, Version: 4, Current: true, FeatureCount: len(fc.Features), ImportedAt: testNow}
			return planning.ImportReport{Layer: l, Features: len(fc.Features), Repairs: []planning.Repair{{Index: 1, Reason: "Self-intersection[104.9 22.8]"}}}, nil
		}
	}
}

const twoForests = `{"type":"FeatureCollection","features":[
 {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104.9,22.8],[105,22.8],[105,22.9],[104.9,22.8]]]},"properties":{"ten":"Rừng Tây Côn Lĩnh","loai":"Rừng đặc dụng"}},
 {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104.9,22.8],[105,22.9],[105,22.8],[104.9,22.9],[104.9,22.8]]]},"properties":{"ten":"Khoảnh 2","loai":"Rừng phòng hộ"}}]}`

func TestImportLayer(t *testing.T) {
	var calls int
	var spec planning.LayerSpec
	ta := newTestAPI(t, importFake(&calls, &spec))
	q := "?kind=landuse&name=rung-hg&category_field=loai&category_map=" + urlEscape("Rừng đặc dụng:RDD,Rừng phòng hộ:RPH") +
		"&srid=4326&name_field=ten&source=" + urlEscape("Sở NN&MT") + "&licence=CC-BY-4.0"
	rec := ta.do(t, "POST", "/v1/layers"+q, strings.NewReader(twoForests), "Content-Type", "application/geo+json")
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/layers/rung-hg.geojson?version=4" {
		t.Errorf("Location = %q", loc)
	}
	var rep struct {
		Layer struct {
			Name    string `json:"name"`
			Version int    `json:"version"`
		} `json:"layer"`
		Version  int `json:"version"`
		Features int `json:"features"`
		Repairs  []struct {
			Index  int    `json:"index"`
			Reason string `json:"reason"`
		} `json:"repairs"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Layer.Name != "rung-hg" || rep.Version != 4 || rep.Features != 2 || len(rep.Repairs) != 1 || rep.Repairs[0].Index != 1 {
		t.Errorf("report = %+v, want rung-hg v4, 2 features, a repair of feature 1", rep)
	}
	want := planning.LayerSpec{Kind: "landuse", Name: "rung-hg", CategoryField: "loai", NameField: "ten", SRID: 4326, Source: "Sở NN&MT", Licence: "CC-BY-4.0", MaxBytes: api.DefaultMaxLayerBytes}
	if spec.Kind != want.Kind || spec.Name != want.Name || spec.CategoryField != want.CategoryField || spec.NameField != want.NameField ||
		spec.SRID != want.SRID || spec.Source != want.Source || spec.Licence != want.Licence || spec.MaxBytes != want.MaxBytes ||
		spec.CategoryMap["Rừng đặc dụng"] != "RDD" || spec.CategoryMap["Rừng phòng hộ"] != "RPH" || len(spec.CategoryMap) != 2 {
		t.Errorf("spec = %+v, want %+v with the category map", spec, want)
	}
}

func TestImportLayerBad(t *testing.T) {
	ok := "?kind=landuse&name=rung&category=RDD"
	tests := []struct {
		name       string
		query      string
		body       string
		limit      int64
		wantStatus int
		wantField  string
		wantStore  bool // the store was reached (and refused)
	}{
		{"missing kind", "?name=rung&category=RDD", twoForests, 0, 400, "kind", false},
		{"missing name", "?kind=landuse&category=RDD", twoForests, 0, 400, "name", false},
		{"unknown kind", "?kind=mines&name=rung&category=RDD", twoForests, 0, 400, "kind", false},
		{"unknown category", "?kind=landuse&name=rung&category=XYZ", twoForests, 0, 400, "category", false},
		{"no category at all", "?kind=landuse&name=rung", twoForests, 0, 400, "category", false},
		{"srid not a number", ok + "&srid=utm48", twoForests, 0, 400, "srid", false},
		{"bad category map", "?kind=landuse&name=rung&category_field=loai&category_map=RDD", twoForests, 0, 400, "category_map", false},
		{"category map to unknown code", "?kind=landuse&name=rung&category_field=loai&category_map=a:ZZZ", twoForests, 0, 400, "category_map", false},
		{"body is not JSON", ok, "ten,loai\nRừng,RDD\n", 0, 422, "", false},
		{"body is empty", ok, "", 0, 422, "", false},
		{"body is a JSON array", ok, `[1,2]`, 0, 422, "", false},
		{"body is JSON but not a FeatureCollection", ok, `{"type":"Point","coordinates":[1,2]}`, 0, 422, "/type", true},
		{"body over the layer limit", ok, twoForests, 100, 413, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls int
			var spec planning.LayerSpec
			opts := []option{importFake(&calls, &spec)}
			if tt.limit > 0 {
				opts = append(opts, func(c *api.Config, _ *testAPI) { c.MaxLayerBytes = tt.limit })
			}
			ta := newTestAPI(t, opts...)
			// Stream the body, without a Content-Length, as a large upload is.
			req := httptest.NewRequest("POST", "/v1/layers"+tt.query, io.MultiReader(strings.NewReader(tt.body)))
			req.ContentLength = -1
			req.Header.Set("Content-Type", "application/geo+json")
			rec := httptest.NewRecorder()
			ta.h.ServeHTTP(rec, req)
			p := decodeProblem(t, rec, tt.wantStatus)
			if p.Field != tt.wantField {
				t.Errorf("field = %q, want %q; %+v", p.Field, tt.wantField, p)
			}
			if (calls > 0) != tt.wantStore {
				t.Errorf("store called %d times, want called: %v", calls, tt.wantStore)
			}
		})
	}
}

func TestImportLayerTooLargeByContentLength(t *testing.T) {
	var calls int
	var spec planning.LayerSpec
	ta := newTestAPI(t, importFake(&calls, &spec), func(c *api.Config, _ *testAPI) { c.MaxLayerBytes = 100 })
	rec := ta.do(t, "POST", "/v1/layers?kind=landuse&name=rung&category=RDD", bytes.NewReader([]byte(twoForests)))
	decodeProblem(t, rec, http.StatusRequestEntityTooLarge)
	if calls != 0 {
		t.Errorf("store called %d times for a body declared too large", calls)
	}
}

func urlEscape(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", " ", "%20", ",", "%2C", ":", "%3A", "+", "%2B")
	return r.Replace(s)
}
