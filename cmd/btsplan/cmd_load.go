package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/geo/synth"
	"btsplan/planning/demo"
)

// cmdLoad is the load test of issue 7: mixed checks and submissions at a
// fixed concurrency against a running server that holds the demo district
// (make load starts one on a database of its own). It prints the
// throughput, the latency percentiles and every non-2xx answer, and fails
// when a target is missed.
func cmdLoad(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("load", "load [--url URL] [--token TOKEN] [--duration 5m] [--concurrency 8] [--submit-share 0.2] [--min-rps 500] [--max-p99 100ms]", env.stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "the server to load: a loopback address only")
	dur := fs.Duration("duration", 5*time.Minute, "how long to send requests")
	conc := fs.Int("concurrency", 8, "clients sending at once, each on its own keep-alive connection")
	share := fs.Float64("submit-share", 0.2, "share of the requests that are submissions (POST /v1/proposals); the rest are checks")
	minRPS := fs.Float64("min-rps", 0, "fail when fewer requests per second were answered (0: no target)")
	maxP99 := fs.Duration("max-p99", 0, "fail when the 99th percentile latency is above this (0: no target)")
	seed := fs.Int64("seed", 0, "the demo district's seed: sites are placed inside it")
	wait := fs.Duration("wait", 0, "wait up to this long for the server's /healthz before starting")
	token := fs.String("token", env.getenv("BTSPLAN_TOKEN"), "bearer token of an admin (submissions are for every carrier); default $BTSPLAN_TOKEN")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	switch {
	case *conc < 1 || *conc > 256:
		return fmt.Errorf("load: --concurrency %d: want 1 to 256", *conc)
	case *dur <= 0 || *dur > 24*time.Hour:
		return fmt.Errorf("load: --duration %s: want a positive duration up to 24h", *dur)
	case !(*share >= 0 && *share <= 1):
		return fmt.Errorf("load: --submit-share %g: want 0 to 1", *share)
	}
	if *token == "" {
		return fmt.Errorf("load: --token or BTSPLAN_TOKEN is required: the API needs a bearer token (btsplan token create)")
	}
	u, err := loopbackURL(*base)
	if err != nil {
		return fmt.Errorf("load: --url: %w", err)
	}
	if err := waitHealthy(ctx, u, *wait); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	d, err := demo.Generate(synth.Config{Seed: *seed})
	if err != nil {
		return err
	}
	run := loadRun{
		base:     u,
		token:    *token,
		bodies:   loadBodies(d, *seed),
		share:    *share,
		tag:      fmt.Sprintf("LOAD-%x", time.Now().UnixNano()&0xffffffff),
		deadline: time.Now().Add(*dur),
	}
	fmt.Fprintf(env.stderr, "load: %d clients for %s against %s (%.0f%% submissions)\n", *conc, *dur, u, *share*100)
	res := run.do(ctx, *conc)
	res.print(env.stdout)
	var fails []string
	if res.errors() > 0 {
		fails = append(fails, fmt.Sprintf("%d errors", res.errors()))
	}
	if *minRPS > 0 && res.rps() < *minRPS {
		fails = append(fails, fmt.Sprintf("%.0f req/s is below %.0f", res.rps(), *minRPS))
	}
	if *maxP99 > 0 && res.all.quantile(0.99) > *maxP99 {
		fails = append(fails, fmt.Sprintf("p99 %s is above %s", res.all.quantile(0.99).Round(time.Microsecond), *maxP99))
	}
	if len(fails) > 0 {
		return fmt.Errorf("load: targets missed: %s", strings.Join(fails, "; "))
	}
	return nil
}

// loopbackURL parses raw and refuses any host that is not a loopback
// address: a load test never leaves this machine.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL", raw)
	}
	host := u.Hostname()
	if host != "localhost" {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return "", fmt.Errorf("%q is not a loopback address: the load test only targets this machine", host)
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// waitHealthy polls base's /healthz every 100 ms until it answers 200 or
// patience runs out; with no patience it asks once.
func waitHealthy(ctx context.Context, base string, patience time.Duration) error {
	deadline := time.Now().Add(patience)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%s/healthz does not answer: %w", base, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// loadBodies returns 1,024 site Features: the demo proposals in turn, each
// moved to a random place inside the district, without antennas (so that
// submissions do not queue a coverage each: the load is the zoning path).
func loadBodies(d *synth.District, seed int64) []*geojson.Feature {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	bd := d.Bound
	out := make([]*geojson.Feature, 0, 1024)
	for i := range 1024 {
		p := d.Proposals[i%len(d.Proposals)].Feature
		to := orb.Point{
			bd.Min[0] + (0.02+0.96*r.Float64())*(bd.Max[0]-bd.Min[0]),
			bd.Min[1] + (0.02+0.96*r.Float64())*(bd.Max[1]-bd.Min[1]),
		}
		at := p.Point()
		f := geojson.NewFeature(to)
		for k, v := range p.Properties {
			if k != "antennas" {
				f.Properties[k] = v
			}
		}
		if g, ok := p.Properties["footprint"].(*geojson.Geometry); ok {
			if poly, ok := g.Geometry().(orb.Polygon); ok {
				moved := make(orb.Polygon, len(poly))
				for i, ring := range poly {
					moved[i] = make(orb.Ring, len(ring))
					for j, q := range ring {
						moved[i][j] = orb.Point{q[0] + to[0] - at[0], q[1] + to[1] - at[1]}
					}
				}
				f.Properties["footprint"] = geojson.NewGeometry(moved)
			}
		}
		out = append(out, f)
	}
	return out
}

// loadRun is one load test.
type loadRun struct {
	base     string
	token    string // bearer token sent with every request
	bodies   []*geojson.Feature
	share    float64
	tag      string // makes the submissions' site codes unique to this run
	deadline time.Time
}

// loadResult gathers every client's latencies and failures.
type loadResult struct {
	elapsed  time.Duration
	all      latencies
	byKind   map[string]*latencies
	statuses map[string]int // "checks 500" → count of unexpected answers
	samples  []string       // the first few failures, for the report
}

type latencies []time.Duration

func (l latencies) quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[int(q*float64(len(l)-1))]
}

func (r *loadResult) errors() int {
	n := 0
	for _, c := range r.statuses {
		n += c
	}
	return n
}

func (r *loadResult) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.all)) / r.elapsed.Seconds()
}

// do runs conc clients until the deadline or ctx ends.
func (lr *loadRun) do(ctx context.Context, conc int) *loadResult {
	res := &loadResult{byKind: map[string]*latencies{}, statuses: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			r := rand.New(rand.NewPCG(uint64(w), 11))
			local := map[string]latencies{}
			var fails []string
			failed := map[string]int{}
			for n := 0; time.Now().Before(lr.deadline) && ctx.Err() == nil; n++ {
				kind, path, want := "checks", "/v1/checks", http.StatusOK
				f := lr.bodies[r.IntN(len(lr.bodies))]
				body := f
				if r.Float64() < lr.share {
					kind, path, want = "submissions", "/v1/proposals", http.StatusCreated
					body = withCode(f, fmt.Sprintf("%s-%d-%d", lr.tag, w, n))
				}
				b, _ := json.Marshal(body)
				t0 := time.Now()
				status, err := loadPost(ctx, client, lr.base+path, lr.token, b)
				d := time.Since(t0)
				if ctx.Err() != nil {
					break
				}
				local[kind] = append(local[kind], d)
				if err != nil || status != want {
					key := fmt.Sprintf("%s %d", kind, status)
					failed[key]++
					if len(fails) < 3 {
						fails = append(fails, fmt.Sprintf("%s: status %d: %v", kind, status, err))
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for k, l := range local {
				if res.byKind[k] == nil {
					res.byKind[k] = &latencies{}
				}
				*res.byKind[k] = append(*res.byKind[k], l...)
				res.all = append(res.all, l...)
			}
			for k, c := range failed {
				res.statuses[k] += c
			}
			res.samples = append(res.samples, fails...)
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.all)
	for _, l := range res.byKind {
		slices.Sort(*l)
	}
	return res
}

// withCode returns a copy of f with another site_code.
func withCode(f *geojson.Feature, code string) *geojson.Feature {
	out := geojson.NewFeature(f.Geometry)
	for k, v := range f.Properties {
		out.Properties[k] = v
	}
	out.Properties["site_code"] = code
	return out
}

// loadPost sends one body and reads the whole answer.
func loadPost(ctx context.Context, client *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	msg, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode >= 300 {
		err = errors.New(strings.TrimSpace(string(msg[:min(len(msg), 300)])))
	}
	return resp.StatusCode, err
}

// print writes the human summary.
func (r *loadResult) print(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "load: %d requests in %.1f s: %.0f req/s, %d errors\n", len(r.all), r.elapsed.Seconds(), r.rps(), r.errors())
	fmt.Fprintf(w, "%-12s %9s %8s %8s %8s %8s\n", "kind", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms")
	kinds := make([]string, 0, len(r.byKind))
	for k := range r.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	row := func(name string, l latencies) {
		fmt.Fprintf(w, "%-12s %9d %8s %8s %8s %8s\n", name, len(l), ms(l.quantile(0.5)), ms(l.quantile(0.95)), ms(l.quantile(0.99)), ms(l.quantile(1)))
	}
	for _, k := range kinds {
		row(k, *r.byKind[k])
	}
	row("all", r.all)
	keys := make([]string, 0, len(r.statuses))
	for k := range r.statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "unexpected: %s × %d\n", k, r.statuses[k])
	}
	for _, s := range r.samples {
		fmt.Fprintf(w, "  e.g. %s\n", s)
	}
}
