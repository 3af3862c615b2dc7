package geo_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// geo may import only the standard library and orb (STYLE §1, doc.go).
func forbiddenGeoImports(deps []string) []string { return forbiddenImports(deps, false) }

// forbiddenSubpackageImports is the rule of geo's subpackages (STYLE §1):
// like geo they are the ground floor, so no btsplan package outside geo
// (planning, data, api, cmd, web), and no HTTP or database driver. Unlike
// geo itself they may use a few third-party libraries (TIFF, fonts),
// which their own doc.go lists.
func forbiddenSubpackageImports(deps []string) []string { return forbiddenImports(deps, true) }

func forbiddenImports(deps []string, thirdParty bool) []string {
	var bad []string
	for _, d := range deps {
		// With -test, a package's tests are listed as "x_test", "x.test"
		// and "x [x.test]": judge them as x.
		p, _, _ := strings.Cut(d, " ")
		p = strings.TrimSuffix(strings.TrimSuffix(p, ".test"), "_test")
		switch {
		case p == "net/http" || strings.HasPrefix(p, "net/http/"),
			strings.HasPrefix(p, "btsplan/") && !strings.HasPrefix(p, "btsplan/geo/") && p != "btsplan/geo",
			strings.HasPrefix(p, "github.com/gin-gonic/"),
			strings.HasPrefix(p, "github.com/jackc/"),
			strings.HasPrefix(p, "github.com/twpayne/go-geom"):
			bad = append(bad, d)
		case !thirdParty && strings.Contains(strings.SplitN(p, "/", 2)[0], ".") &&
			!strings.HasPrefix(p, "github.com/paulmach/orb"):
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

func TestForbiddenSubpackageImportsCatches(t *testing.T) {
	deps := []string{"fmt", "btsplan/geo", "btsplan/geo/coverage", "btsplan/geo_test", "btsplan/geo/synth.test",
		"btsplan/geo/synth [btsplan/geo/synth.test]", "btsplan/planning", "btsplan/planning/demo",
		"btsplan/geography", "github.com/hhrutter/lzw", "github.com/jackc/pgx/v5", "net/http"}
	got := forbiddenSubpackageImports(deps)
	want := []string{"btsplan/planning", "btsplan/planning/demo", "btsplan/geography", "github.com/jackc/pgx/v5", "net/http"}
	if !slices.Equal(got, want) {
		t.Errorf("forbiddenSubpackageImports(%v) = %v, want %v", deps, got, want)
	}
}

// TestGeoSubpackageImports checks every package under geo/, tests
// included: a test of geo/synth that imported planning would bring the
// dependency back through the side door.
func TestGeoSubpackageImports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is not on PATH: %v", err)
	}
	out, err := exec.Command(goBin, "list", "btsplan/geo/...").Output()
	if err != nil {
		t.Fatalf("go list btsplan/geo/...: %v", err)
	}
	pkgs := strings.Fields(string(out))
	if !slices.Contains(pkgs, "btsplan/geo/synth") {
		t.Fatalf("go list btsplan/geo/... = %v, want it to include btsplan/geo/synth (is the listing broken?)", pkgs)
	}
	for _, p := range pkgs {
		out, err := exec.Command(goBin, "list", "-deps", "-test", p).Output()
		if err != nil {
			t.Fatalf("go list -deps -test %s: %v", p, err)
		}
		if bad := forbiddenSubpackageImports(strings.Fields(string(out))); len(bad) > 0 {
			t.Errorf("%s (with its tests) depends on %v; geo is the ground floor", p, bad)
		}
	}
}
