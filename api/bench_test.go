package api_test

// BenchmarkHTTPCheck50k is the end-to-end figure of issues 2 and 8: POST
// /v1/checks through a real HTTP server, NewHandler and the real data
// stores over PostGIS, each request with a bearer token that the real
// authenticator (users and tokens in the database, the token cache)
// verifies. Reproduce it with
//
//	export TEST_DATABASE_URL=$(data/devdb.sh url btsplan_test)
//	go test -run '^$' -bench HTTPCheck50k -benchtime 3s ./api/
//
// It imports btsplan/data, which package api itself must never do: this
// is a test of the whole stack.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/geo/synth"
	"btsplan/planning"
	"btsplan/planning/demo"
)

// benchZones is the size of the generator's extra land-use layer.
const benchZones = 50_000

// benchSites is how many checks the benchmark cycles through.
const benchSites = 1024

// BenchmarkHTTPCheck50k posts site bodies to /v1/checks of a server over
// the synthetic district with 50,000 extra land-use polygons, loaded
// through the real imports. The bodies are the demo proposals moved to
// random places in the district (mix), and the same grouped by whether the
// site has a footprint (the A2 towers) and by the search radius its rules
// need (tall=yes: the 60 m A2c tower, which the airport rule searches
// 15 km around). Each sub-benchmark reports p50-ms, p95-ms and checks/s,
// serially and from 2 concurrent clients (2 goroutines, each with its own
// keep-alive connection), each request with one of two users' tokens in
// turn. The access log is written as JSON to io.Discard, so its cost is
// counted. cpu-ms/op is the CPU time of the whole benchmark process
// (clients and server) and of its database backends per check: 2 cores
// sustain at most 2000/cpu-ms/op checks/s, whatever else loads them.
func BenchmarkHTTPCheck50k(b *testing.B) {
	pool := datatest.New(b)
	ctx := context.Background()
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		b.Fatal(err)
	}
	d, err := synth.Generate(synth.Config{ExtraZones: benchZones})
	if err != nil {
		b.Fatal(err)
	}
	layers := data.NewLayerStore(db, book)
	admin := data.NewAdminStore(db)
	loadDistrict(b, d, layers, admin)
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	orgs := data.NewOrgStore(db)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), data.NewProposalStore(db),
		admin, orgs, layers, nil)
	users := data.NewUserStore(db)
	auth := planning.NewTokenAuthenticator(users, planning.NewTokenCache(0, 0, nil), nil)
	tokens := benchTokens(b, planning.NewAccounts(users, orgs, nil, nil))
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv := httptest.NewServer(api.NewHandler(log, api.Config{Orgs: orgs, Auth: auth}, svc))
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Cleanup(client.CloseIdleConnections)
	url := srv.URL + "/v1/checks"

	for _, set := range bodySets(b, d) {
		for _, clients := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/clients=%d", set.name, clients), func(b *testing.B) {
				report := datatest.MeasureCPU(b, pool)
				datatest.Timed(b, clients, "checks/s", func(i int) error {
					return post(client, url, tokens[i%len(tokens)], set.bodies[i%len(set.bodies)])
				})
				report()
			})
		}
	}
}

// benchTokens adds a carrier and an analyst and returns a token of each.
func benchTokens(b *testing.B, acc *planning.Accounts) []string {
	b.Helper()
	ctx := context.Background()
	var out []string
	for _, u := range []planning.User{
		{Name: "bench-carrier", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}},
		{Name: "bench-analyst", Org: "SNNMT", Roles: []planning.Role{planning.RoleAnalyst}},
	} {
		if _, err := acc.AddUser(ctx, u); err != nil {
			b.Fatalf("add user %s: %v", u.Name, err)
		}
		text, _, err := acc.CreateToken(ctx, u.Name, time.Hour, "benchmark")
		if err != nil {
			b.Fatalf("token of %s: %v", u.Name, err)
		}
		out = append(out, text)
	}
	return out
}

// post sends one check with token and reads the whole answer.
func post(client *http.Client, url, token string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST /v1/checks: %s: %s", resp.Status, msg)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// loadDistrict imports the district's admin units (one import per level,
// as AdminSpec requires) and its layers.
func loadDistrict(b testing.TB, d *synth.District, layers *data.LayerStore, admin *data.AdminStore) {
	b.Helper()
	ctx := context.Background()
	fc := d.AdminGeoJSON()
	for _, level := range []string{"province", "district", "commune"} {
		sub := *fc
		sub.Features = nil
		var unit synth.AdminUnit
		for i, a := range d.Admin {
			if a.Unit.Level == level {
				sub.Features = append(sub.Features, fc.Features[i])
				unit = a.Unit
			}
		}
		spec := data.AdminSpec{Level: level, CodeField: "code", NameField: "name", ParentField: "parent",
			ValidFrom: unit.ValidFrom, ValidTo: unit.ValidTo}
		if _, err := admin.ImportAdminUnits(ctx, spec, bytes.NewReader(mustMarshal(b, &sub))); err != nil {
			b.Fatalf("import %s units: %v", level, err)
		}
	}
	for _, l := range d.Layers {
		if _, err := layers.ImportLayer(ctx, demo.LayerSpec(l.Spec), bytes.NewReader(mustMarshal(b, l.Features)), nil); err != nil {
			b.Fatalf("import %s: %v", l.Spec.Name, err)
		}
	}
}

func mustMarshal(b testing.TB, v any) []byte {
	b.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// bodySet is a named list of POST /v1/checks bodies.
type bodySet struct {
	name   string
	bodies [][]byte
}

// bodySets returns mix (benchSites bodies: the demo proposals in turn,
// each moved to a random place in the district) and mix split by
// footprint and tall tower.
func bodySets(b *testing.B, d *synth.District) []bodySet {
	b.Helper()
	r := rand.New(rand.NewPCG(2, 2))
	bd := d.Bound
	mix := bodySet{name: "mix"}
	groups := map[string]*bodySet{}
	for i := range benchSites {
		p := d.Proposals[i%len(d.Proposals)]
		to := orb.Point{
			bd.Min[0] + (0.02+0.96*r.Float64())*(bd.Max[0]-bd.Min[0]),
			bd.Min[1] + (0.02+0.96*r.Float64())*(bd.Max[1]-bd.Min[1]),
		}
		body := mustMarshal(b, movedFeature(p.Feature, to))
		mix.bodies = append(mix.bodies, body)
		fp, tall := "no", "no"
		if p.Site.Footprint != nil {
			fp = "yes"
		}
		if p.Site.Structure == synth.StructureA2c {
			tall = "yes"
		}
		name := "footprint=" + fp + "/tall=" + tall
		g := groups[name]
		if g == nil {
			g = &bodySet{name: name}
			groups[name] = g
		}
		g.bodies = append(g.bodies, body)
	}
	sets := []bodySet{mix}
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		sets = append(sets, *groups[name])
	}
	return sets
}

// movedFeature returns a copy of the proposal body f moved to the point
// to, footprint and all.
func movedFeature(f *geojson.Feature, to orb.Point) *geojson.Feature {
	at := f.Point()
	dLon, dLat := to[0]-at[0], to[1]-at[1]
	out := geojson.NewFeature(to)
	for k, v := range f.Properties {
		out.Properties[k] = v
	}
	if g, ok := f.Properties["footprint"].(*geojson.Geometry); ok {
		if poly, ok := g.Geometry().(orb.Polygon); ok {
			moved := make(orb.Polygon, len(poly))
			for i, ring := range poly {
				moved[i] = make(orb.Ring, len(ring))
				for j, p := range ring {
					moved[i][j] = orb.Point{p[0] + dLon, p[1] + dLat}
				}
			}
			out.Properties["footprint"] = geojson.NewGeometry(moved)
		}
	}
	return out
}
