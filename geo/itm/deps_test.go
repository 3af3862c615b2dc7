package itm_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestImportsOnlyStdlib enforces doc.go: itm depends on the standard
// library only.
func TestImportsOnlyStdlib(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("go tool not found in CI: %v", err)
		}
		t.Skipf("go tool not found, cannot list dependencies: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != "btsplan/geo/itm" {
			t.Errorf("btsplan/geo/itm depends on %s, want the standard library only", pkg)
		}
	}
}
