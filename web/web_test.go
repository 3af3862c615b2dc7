package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/geo/synth"
	"btsplan/planning"
	"btsplan/web"
)

// chromiumPath is where Debian's chromium package puts the browser; the
// test never downloads one.
const chromiumPath = "/usr/bin/chromium"

// TestMapInBrowser serves the API with the embedded web map over a
// throwaway database loaded with the demo district, and runs
// webtest/map.test.mjs against it in headless Chromium. The screenshots
// go to $WEBTEST_SCREENSHOTS when set, else to the test's temporary folder.
func TestMapInBrowser(t *testing.T) {
	node := browserTools(t)
	h := demoHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	shots := os.Getenv("WEBTEST_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("webtest", "map.test.mjs"), srv.URL)
	cmd.Env = append(os.Environ(), "WEBTEST_SCREENSHOTS="+shots, "CHROMIUM="+chromiumPath, "WEBTEST_TOKEN="+adminToken)
	out, err := cmd.CombinedOutput()
	t.Logf("node webtest/map.test.mjs %s:\n%s", srv.URL, out)
	if err != nil {
		t.Fatalf("browser test: %v (screenshots in %s)", err, shots)
	}
}

// browserTools returns the path of node. It skips the test when node,
// Chromium or playwright-core is missing, and fails it when CI is set:
// the browser test must run in CI (make tools installs them).
func browserTools(t *testing.T) string {
	t.Helper()
	var missing []error
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, errors.New("node is not on PATH (apt-get install nodejs npm)"))
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, errors.New(chromiumPath+" is missing (apt-get install chromium)"))
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, errors.New("web/node_modules/playwright-core is missing (npm ci --prefix web)"))
	}
	if len(missing) > 0 {
		msg := "browser test needs: " + errors.Join(missing...).Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; run make tools")
	}
	return node
}

// demoHandler wires the API over a fresh migrated schema as cmd/btsplan
// does, and loads the demo district into it as btsplan demo does: the
// admin units and layers through the stores, the proposals through the API.
func demoHandler(t *testing.T) http.Handler {
	t.Helper()
	url := datatest.NewURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	pc := data.PoolConfig{MaxConns: 8, QueryTimeout: 30 * time.Second}
	pool, err := data.Open(ctx, url, pc)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(pool.Close)
	db := data.NewDB(pool, pc)
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatalf("rule book: %v", err)
	}
	admin, orgs := data.NewAdminStore(db), data.NewOrgStore(db)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db),
		data.NewProposalStore(db), admin, orgs, data.NewLayerStore(db, book), nil)
	if err := svc.CheckRules(ctx); err != nil {
		t.Fatalf("check rules: %v", err)
	}

	d, err := synth.Generate(synth.Config{})
	if err != nil {
		t.Fatalf("generate demo: %v", err)
	}
	// d.Admin lists each parent before its children.
	for _, a := range d.Admin {
		f := geojson.NewFeature(a.Boundary)
		f.Properties = geojson.Properties{"code": a.Unit.Code, "name": a.Unit.Name, "parent": a.Unit.Parent}
		fc := geojson.NewFeatureCollection().Append(f)
		spec := data.AdminSpec{Level: a.Unit.Level, CodeField: "code", NameField: "name",
			ValidFrom: a.Unit.ValidFrom, ValidTo: a.Unit.ValidTo}
		if a.Unit.Parent != "" {
			spec.ParentField = "parent"
		}
		if _, err := admin.ImportAdminUnits(ctx, spec, bytes.NewReader(mustJSON(t, fc))); err != nil {
			t.Fatalf("import admin unit %s: %v", a.Unit.Code, err)
		}
	}
	for _, l := range d.Layers {
		if _, err := svc.ImportLayer(ctx, l.Spec, bytes.NewReader(mustJSON(t, l.Features)), nil); err != nil {
			t.Fatalf("import layer %s: %v", l.Spec.Name, err)
		}
	}

	// The demo terrain in a DEM store, and the coverage service over it.
	dems := dem.NewStore(pool, t.TempDir())
	tileName, hgt := d.HGT()
	tile := filepath.Join(t.TempDir(), tileName)
	if err := os.WriteFile(tile, hgt, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := dems.Import(ctx, "synthetic-demo", tile); err != nil {
		t.Fatalf("import demo terrain: %v", err)
	}
	cov := planning.NewCoverageService(planning.CoverageConfig{}, dem.Terrain{Store: dems},
		data.NewCoverageStore(db, t.TempDir()), data.NewProposalStore(db))

	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The browser signs in through the map's form with adminToken; the
	// demo proposals below are submitted with it as a bearer token.
	h := api.NewHandler(log, api.Config{Web: web.Static(), Orgs: orgs, Coverage: cov, Auth: adminAuth{}}, svc)
	for _, p := range d.Proposals {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/v1/proposals", bytes.NewReader(mustJSON(t, p.Feature)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+adminToken)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			t.Fatalf("submit demo proposal %s: status %d, want %d: %s", p.Site.Code, w.Code, http.StatusCreated, w.Body)
		}
	}
	// The first proposal's coverage, as serve computes it after a submission.
	if _, err := cov.ProposalCoverage(ctx, 1, nil); err != nil {
		t.Fatalf("coverage of proposal 1: %v", err)
	}
	return h
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const adminToken = "web-test-admin"

// adminAuth lets adminToken in as an admin.
type adminAuth struct{}

func (adminAuth) Authenticate(_ context.Context, tok string) (planning.Principal, error) {
	if tok != adminToken {
		return planning.Principal{}, &planning.Error{Kind: planning.Unauthenticated, Err: errors.New("unknown token")}
	}
	return planning.Principal{Name: "web-test", Org: "SNNMT", Roles: []planning.Role{planning.RoleAdmin}}, nil
}
