package geo_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// geo may import only the standard library and orb (STYLE §1, doc.go).
func forbiddenGeoImports(deps []string) []string {
	var bad []string
	for _, d := range deps {
		switch {
		case d == "net/http" || strings.HasPrefix(d, "net/http/"),
			strings.HasPrefix(d, "btsplan/") && !strings.HasPrefix(d, "btsplan/geo"),
			strings.HasPrefix(d, "github.com/gin-gonic/"),
			strings.HasPrefix(d, "github.com/jackc/"),
			strings.HasPrefix(d, "github.com/twpayne/go-geom"):
			bad = append(bad, d)
		case strings.Contains(strings.SplitN(d, "/", 2)[0], ".") &&
			!strings.HasPrefix(d, "github.com/paulmach/orb"):
			// Any other module (a dot in the first element) is not stdlib.
			bad = append(bad, d)
		}
	}
	return bad
}

func TestForbiddenGeoImportsCatches(t *testing.T) {
	deps := []string{"fmt", "github.com/paulmach/orb", "net/http", "btsplan/planning", "github.com/jackc/pgx/v5", "gopkg.in/yaml.v3", "btsplan/geo"}
	got := forbiddenGeoImports(deps)
	want := []string{"net/http", "btsplan/planning", "github.com/jackc/pgx/v5", "gopkg.in/yaml.v3"}
	if !slices.Equal(got, want) {
		t.Errorf("forbiddenGeoImports(%v) = %v, want %v", deps, got, want)
	}
}

func TestGeoImports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is not on PATH: %v", err)
	}
	// Only btsplan/geo itself: subpackages such as geo/itm have their own rules.
	out, err := exec.Command(goBin, "list", "-deps", "btsplan/geo").Output()
	if err != nil {
		t.Fatalf("go list -deps btsplan/geo: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/paulmach/orb") {
		t.Fatalf("go list -deps btsplan/geo = %v, want it to include orb (is the listing broken?)", deps)
	}
	if bad := forbiddenGeoImports(deps); len(bad) > 0 {
		t.Errorf("btsplan/geo depends on %v, want only the standard library and orb", bad)
	}
}
