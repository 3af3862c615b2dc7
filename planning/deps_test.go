package planning_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// planning may import the standard library, orb, yaml.v3, golang.org/x/text
// (Unicode normalisation, to fold Vietnamese names for comparison: the
// official gap list) and btsplan/geo only (STYLE §1, doc.go): never gin,
// pgx, net/http, btsplan/data or btsplan/api.
func forbiddenPlanningImports(deps []string) []string {
	allowedModules := []string{"github.com/paulmach/orb", "gopkg.in/yaml.v3", "golang.org/x/text", "btsplan/geo", "btsplan/planning"}
	var bad []string
	for _, d := range deps {
		first := strings.SplitN(d, "/", 2)[0]
		switch {
		case d == "net/http" || strings.HasPrefix(d, "net/http/"):
			bad = append(bad, d)
		case first == "btsplan" || strings.Contains(first, "."):
			ok := false
			for _, m := range allowedModules {
				if d == m || strings.HasPrefix(d, m+"/") {
					ok = true
				}
			}
			if !ok {
				bad = append(bad, d)
			}
		}
	}
	return bad
}

func TestForbiddenPlanningImportsCatches(t *testing.T) {
	deps := []string{"context", "github.com/paulmach/orb/planar", "gopkg.in/yaml.v3", "btsplan/geo", "btsplan/planning/planningtest",
		"net/http", "net/http/httptest", "github.com/gin-gonic/gin", "github.com/jackc/pgx/v5", "btsplan/data", "btsplan/api", "github.com/twpayne/go-geom"}
	got := forbiddenPlanningImports(deps)
	want := []string{"net/http", "net/http/httptest", "github.com/gin-gonic/gin", "github.com/jackc/pgx/v5", "btsplan/data", "btsplan/api", "github.com/twpayne/go-geom"}
	if !slices.Equal(got, want) {
		t.Errorf("forbiddenPlanningImports(%v) = %v, want %v", deps, got, want)
	}
}

func TestPlanningImports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is not on PATH: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", "btsplan/planning", "btsplan/planning/planningtest").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps btsplan/planning: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "gopkg.in/yaml.v3") || !slices.Contains(deps, "btsplan/geo") {
		t.Fatalf("go list -deps = %v, want it to include yaml.v3 and btsplan/geo (is the listing broken?)", deps)
	}
	if bad := forbiddenPlanningImports(deps); len(bad) > 0 {
		t.Errorf("btsplan/planning depends on %v; planning may import only the standard library, orb, yaml.v3, golang.org/x/text and btsplan/geo", bad)
	}
}
