package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"btsplan/data/datatest"
)

// testEnv is the environment of the commands a test runs: its database
// and a data folder of its own (DEM tiles, rasters), never the work tree.
type testEnv map[string]string

func newTestEnv(t *testing.T, url string) testEnv {
	return testEnv{"DATABASE_URL": url, "BTSPLAN_DATA_DIR": t.TempDir()}
}

func (e testEnv) getenv(k string) string { return e[k] }

// runCmd runs the btsplan command line in-process in env.
func runCmd(t *testing.T, env testEnv, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := env.getenv
	err = run(context.Background(), append([]string{"btsplan"}, args...), getenv, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

// TestEndToEnd drives the binary's own entry point over a real PostGIS:
// migrate, the demo (twice: it is idempotent), serve until /healthz
// answers, the API over HTTP, check, export and a failed import.
func TestEndToEnd(t *testing.T) {
	url := newTestEnv(t, datatest.NewURL(t))

	out, _, err := runCmd(t, url, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate = %q, %v; want up to date", out, err)
	}

	tokFile := filepath.Join(t.TempDir(), "demo-tokens.env")
	out, errOut, err := runCmd(t, url, "demo", "--tokens", tokFile)
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, "SYNTHETIC") {
		t.Errorf("demo does not say the district is synthetic:\n%s", out)
	}
	if !strings.Contains(out, "verdicts APPROVE=6 CONDITIONAL=9 CONFLICT=5") || strings.Contains(out, "aimed at") {
		t.Errorf("demo verdicts are not the intended ones:\n%s", out)
	}
	// The demo's gap analysis over the SYNTHETIC existing sites: the
	// village behind the main ridge is a total not-spot, the valley
	// villages are covered.
	if m := regexp.MustCompile(`not-spots total=(\d+) partial=(\d+) none=(\d+)`).FindStringSubmatch(out); m == nil || m[1] == "0" {
		t.Errorf("demo gap analysis: no total not-spot (want ≥ 1):\n%s", out)
	}
	if m := regexp.MustCompile(`452-0[124] covered=[1-9]`).FindString(out); m == "" {
		t.Errorf("demo gap analysis: no carrier covers a village (want ≥ 1 covered):\n%s", out)
	}
	// The SYNTHETIC official list disagrees with the prediction in
	// exactly one village.
	if !strings.Contains(out, "predicted against official: 1 agree, 1 disagreement(s)") {
		t.Errorf("demo: the official list does not stand 1 agree, 1 disagreement against the prediction:\n%s", out)
	}
	firstTokens := readTokens(t, tokFile)
	out, _, err = runCmd(t, url, "demo", "--tokens", tokFile)
	if err != nil || strings.Contains(out, " v2:") || strings.Count(out, "already submitted") != 20 ||
		!strings.Contains(out, "official gap list (version 1) already loaded") {
		t.Errorf("second demo is not a no-op (err %v):\n%s", err, out)
	}
	tokens := readTokens(t, tokFile)

	// serve without job workers: the background coverage below waits for
	// a btsplan worker, as on a deployment with separate worker machines.
	serveEnv := maps.Clone(url)
	serveEnv["BTSPLAN_WORKERS"] = "0"
	base, stop := startServe(t, serveEnv)
	defer stop()
	// Every route but the open ones needs a token: the demo admin's. The
	// second demo revoked the first one's tokens.
	client := authClient(tokens["BTSPLAN_TOKEN_ADMIN"])
	for _, tt := range []struct {
		token string
		want  int
	}{
		{tokens["BTSPLAN_TOKEN_CARRIER"], http.StatusOK},
		{firstTokens["BTSPLAN_TOKEN_CARRIER"], http.StatusUnauthorized},
		{tokens["BTSPLAN_TOKEN_ANALYST"], http.StatusOK},
	} {
		resp, err := authClient(tt.token).Get(base + "/v1/cases")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET /v1/cases with a demo token = %d, want %d", resp.StatusCode, tt.want)
		}
	}
	resp, err := http.Get(base + "/v1/proposals")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /v1/proposals without a token = %d, want 401", resp.StatusCode)
	}

	// The API over real HTTP.
	var list struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	getJSON(t, client, base+"/v1/proposals?verdict=CONFLICT", &list)
	if list.Total != 5 {
		t.Errorf("CONFLICT proposals = %d, want 5", list.Total)
	}
	site := `{"type":"Feature","geometry":{"type":"Point","coordinates":[104.4677842,21.6338535]},` +
		`"properties":{"carrier":"452-04","site_code":"E2E-1","structure":"A2b","height_m":45}}`
	resp, err = client.Post(base+"/v1/checks", "application/json", strings.NewReader(site))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"verdict":"CONFLICT"`) || !strings.Contains(string(body), "Vườn quốc gia Núi Mẫu") {
		t.Errorf("check in the park = %d %.300s, want CONFLICT naming the park", resp.StatusCode, body)
	}
	resp, err = client.Get(base + "/v1/proposals/16/report.html?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<svg") || !strings.Contains(string(body), "CONFLICT") {
		t.Errorf("report.html = %d, want 200 with a map and the verdict", resp.StatusCode)
	}
	resp, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "leaflet") {
		t.Errorf("web map = %d %.200s", resp.StatusCode, body)
	}

	// Coverage over the demo terrain, computed on first request, then cached.
	var cov struct {
		AreaKm2    float64 `json:"area_km2"`
		DEMVersion string  `json:"dem_version"`
		Cached     bool    `json:"cached"`
	}
	getJSON(t, client, base+"/v1/proposals/1/coverage", &cov)
	if cov.AreaKm2 <= 1 || !strings.Contains(cov.DEMVersion, "synthetic-demo") {
		t.Errorf("coverage of proposal 1 = %+v, want an area over the demo terrain", cov)
	}
	getJSON(t, client, base+"/v1/proposals/1/coverage", &cov)
	if !cov.Cached {
		t.Error("second coverage request was not served from the cache")
	}

	// A new proposal's coverage is queued with it and computed in the
	// background by a worker: its report shows it shortly after the
	// worker starts. (A site without antennas has none: the log says so.)
	newSite := strings.NewReplacer("104.4677842,21.6338535", "104.5400,21.5600", "E2E-1", "E2E-BG", `"height_m":45`, `"height_m":30,"antennas":[{"azimuth_deg":90,"tilt_deg":4,"band_mhz":1800,"eirp_dbm":60,"technology":"LTE"}]`).Replace(site)
	resp, err = client.Post(base+"/v1/proposals", "application/json", strings.NewReader(newSite))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 201 || err != nil {
		t.Fatalf("submit = %d, %v", resp.StatusCode, err)
	}
	reportCoverage := func() *float64 {
		var rep struct {
			Coverage *struct {
				AreaKm2 float64 `json:"area_km2"`
			} `json:"coverage"`
		}
		getJSON(t, client, fmt.Sprintf("%s/v1/proposals/%d/report", base, created.ID), &rep)
		if rep.Coverage == nil {
			return nil
		}
		return &rep.Coverage.AreaKm2
	}
	if a := reportCoverage(); a != nil {
		t.Fatalf("the new proposal has a coverage (%g km²) with no worker running, want none yet", *a)
	}
	wctx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan error, 1)
	go func() {
		workerDone <- run(wctx, []string{"btsplan", "worker"}, url.getenv, strings.NewReader(""), io.Discard, io.Discard)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if a := reportCoverage(); a != nil {
			if *a <= 0 {
				t.Errorf("background coverage area = %g km², want > 0", *a)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the report of a new proposal has no coverage 60 s after the worker started")
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopWorker()
	select {
	case err := <-workerDone:
		if err != nil {
			t.Errorf("worker after its context ended: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("worker did not stop within 15 s of its context ending")
	}

	// check: a batch with one bad feature names it and still checks the rest.
	dir := t.TempDir()
	batch := filepath.Join(dir, "batch.geojson")
	bad := strings.Replace(site, "104.4677842,21.6338535", "21.6338535,104.4677842", 1)
	fc := `{"type":"FeatureCollection","features":[` + site + `,` + strings.Replace(site, "E2E-1", "E2E-2", 1) + `,` + bad + `]}`
	if err := os.WriteFile(batch, []byte(fc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCmd(t, url, "check", batch)
	if err == nil || !strings.Contains(err.Error(), "batch.geojson: feature 2") {
		t.Errorf("check of a batch with a swapped site: err = %v, want it to name feature 2", err)
	}
	if n := strings.Count(out, `"verdict":"CONFLICT"`); n != 2 {
		t.Errorf("check batch printed %d CONFLICT results, want 2:\n%s", n, out)
	}
	notJSON := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(notJSON, []byte("{\n  \"type\": \"Feature\",\n  oops\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err = runCmd(t, url, "check", notJSON); err == nil || !strings.Contains(err.Error(), "bad.json: line 3") {
		t.Errorf("check of broken JSON: err = %v, want the file and line 3", err)
	}

	// export: a layer to a file that a GIS client reads.
	lay := filepath.Join(dir, "landuse.geojson")
	if _, _, err := runCmd(t, url, "export", "layer", "--name", "synthetic-nui-mau-landuse", "--out", lay); err != nil {
		t.Fatalf("export layer: %v", err)
	}
	var exported struct {
		Features []json.RawMessage `json:"features"`
	}
	b, _ := os.ReadFile(lay)
	if err := json.Unmarshal(b, &exported); err != nil || len(exported.Features) != 33 {
		t.Errorf("exported layer: %d features, %v; want 33", len(exported.Features), err)
	}
	if ogr, err := exec.LookPath("ogrinfo"); err == nil {
		o, err := exec.Command(ogr, "-so", "-al", lay).CombinedOutput()
		if err != nil || !strings.Contains(string(o), "Feature Count: 33") {
			t.Errorf("ogrinfo of the export: %v\n%s", err, o)
		}
	} else if os.Getenv("CI") != "" {
		t.Error("ogrinfo is missing in CI (make test installs gdal-bin)")
	}
	out, _, err = runCmd(t, url, "export", "proposals", "--verdict", "APPROVE")
	if err != nil || strings.Count(out, `"type":"Feature"`) != 6 {
		t.Errorf("export proposals --verdict APPROVE: %v, %d features", err, strings.Count(out, `"type":"Feature"`))
	}
	out, _, err = runCmd(t, url, "export", "findings", "--proposal", "1")
	if err != nil || !strings.Contains(out, `"proposal_id":1`) || !strings.Contains(out, `"rule_set_version"`) {
		t.Errorf("export findings --proposal 1: %v\n%s", err, out)
	}
	if _, _, err = runCmd(t, url, "export", "proposals", "--bbox", "10,0,1,1"); err == nil || !strings.Contains(err.Error(), "bbox") {
		t.Errorf("export proposals with west > east: err = %v, want one naming the bbox", err)
	}

	// import: a file that is not GeoJSON names the file and leaves nothing.
	junk := filepath.Join(dir, "junk.geojson")
	if err := os.WriteFile(junk, []byte("name,lon,lat\nA,105,21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, url, "import", "layer", "--file", junk, "--kind", "landuse", "--name", "junk", "--category", "ONT")
	if err == nil || !strings.Contains(err.Error(), "junk.geojson") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("import of a CSV: err = %v, want the file named and nothing imported", err)
	}
	resp, err = client.Get(base + "/v1/layers/junk.geojson")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("layer junk after a failed import = %d, want 404", resp.StatusCode)
	}
}

// startServe runs `btsplan serve` on a free port until the test ends, and
// returns its base URL once /healthz answers.
func startServe(t *testing.T, env testEnv) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	getenv := env.getenv
	go func() {
		done <- run(ctx, []string{"btsplan", "serve", "--addr", "127.0.0.1:0"}, getenv, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := re.FindString(sc.Text()); m != "" {
				addr <- m
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case base = <-addr:
	case err := <-done:
		cancel()
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve printed no URL within 30 s")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("/healthz did not answer 200 within 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base, func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve after cancel: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s of its context ending")
		}
	}
}

func getJSON(t *testing.T, client *http.Client, url string, v any) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s = %d %s", url, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// newToken adds user name of org with roles through the CLI and returns a
// token of theirs (the last line of token create's output).
func newToken(t *testing.T, env testEnv, name, org string, roles ...string) string {
	t.Helper()
	args := []string{"user", "add", "--name", name, "--org", org}
	for _, r := range roles {
		args = append(args, "--role", r)
	}
	if out, errOut, err := runCmd(t, env, args...); err != nil {
		t.Fatalf("user add: %v\n%s\n%s", err, out, errOut)
	}
	out, errOut, err := runCmd(t, env, "token", "create", "--user", name)
	if err != nil {
		t.Fatalf("token create: %v\n%s\n%s", err, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// bearer adds a bearer token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// authClient is an HTTP client that sends token with every request.
func authClient(token string) *http.Client {
	return &http.Client{Transport: bearer{token: token, next: http.DefaultTransport}}
}

// readTokens reads the demo's tokens file: "export NAME=token" lines.
func readTokens(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(l, "export "), "="); ok && !strings.HasPrefix(l, "#") {
			out[k] = v
		}
	}
	for _, k := range []string{"BTSPLAN_TOKEN_CARRIER", "BTSPLAN_TOKEN_REVIEWER", "BTSPLAN_TOKEN_ANALYST", "BTSPLAN_TOKEN_ADMIN"} {
		if !strings.HasPrefix(out[k], "btsp_") {
			t.Errorf("%s: %s = %q, want a token", path, k, out[k])
		}
	}
	return out
}
