package api

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// TestOpenAPIMatchesRoutes keeps openapi.json true to routes.go: the
// document is valid OpenAPI 3, every documented operation is routed, and
// every route is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	routes := newEngine(nil, Config{}, nil).Routes()
	if len(routes) < 15 {
		t.Fatalf("only %d routes: the engine lost its routes?", len(routes))
	}

	documented := map[string]bool{} // "METHOD gin-path" reached from the document
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			concrete := concretePath(path)
			r, ok := matchRoute(routes, method, concrete)
			if !ok {
				t.Errorf("documented %s %s (as %s) has no route", method, path, concrete)
				continue
			}
			documented[method+" "+r.Path] = true
			// Where the route's template can say the same, it must: the
			// document may differ only where gin cannot express a path
			// (a parameter with a suffix, as {name}.geojson).
			if g := ginToOpenAPI(r.Path); g != path && !strings.Contains(path, "}.") {
				t.Errorf("documented %s %s is routed as %s", method, path, r.Path)
			}
		}
	}
	for _, r := range routes {
		if !documented[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
		}
	}
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

// ginToOpenAPI writes a gin path in OpenAPI's template syntax.
func ginToOpenAPI(p string) string { return ginParam.ReplaceAllString(p, "{$1}") }

var docParam = regexp.MustCompile(`\{[^}]+\}`)

// concretePath fills a documented path's parameters with sample values.
func concretePath(p string) string { return docParam.ReplaceAllString(p, "42") }

// matchRoute returns the route gin would choose for method and a concrete
// path: static segments before parameters, as gin's tree does.
func matchRoute(routes gin.RoutesInfo, method, path string) (gin.RouteInfo, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best gin.RouteInfo
	bestStatic := -1
	for _, r := range routes {
		if r.Method != method {
			continue
		}
		rs := strings.Split(strings.Trim(r.Path, "/"), "/")
		if len(rs) != len(segs) {
			continue
		}
		static, ok := 0, true
		for i, s := range rs {
			switch {
			case strings.HasPrefix(s, ":"):
				ok = ok && segs[i] != ""
			case s == segs[i]:
				static++
			default:
				ok = false
			}
		}
		if ok && static > bestStatic {
			best, bestStatic = r, static
		}
	}
	return best, bestStatic >= 0
}

// TestOpenAPIListsProblemTypes checks that every problem type the API can
// write is in the document's enum, so clients can switch on it.
func TestOpenAPIListsProblemTypes(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	enum := map[string]bool{}
	for _, v := range doc.Components.Schemas["Problem"].Value.Properties["type"].Value.Enum {
		enum[v.(string)] = true
	}
	var statuses []int
	for s := range problemType {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	for _, s := range statuses {
		if !enum[problemType[s]] {
			t.Errorf("problem type %s (%d %s) is not in the document", problemType[s], s, http.StatusText(s))
		}
	}
}
