package api_test

// BenchmarkChecksDuringCoverage is issue 7's responsiveness figure: the
// latency of POST /v1/checks while the coverage queue is kept full, over
// the real stack (PostGIS, the DEM store with the synthetic district's
// terrain, the coverage store). Target: check p99 < 50 ms. Reproduce it
// with
//
//	export TEST_DATABASE_URL=$(data/devdb.sh url btsplan_test)
//	go test -run '^$' -bench ChecksDuringCoverage -benchtime 400x ./api/
//
// Sub-benchmarks run without coverage (the reference), with the
// service's default coverage workers (GOMAXPROCS-1, a core left for
// checks and PostgreSQL) and with every core (the default before issue
// 7), so the three compare. Like
// BenchmarkHTTPCheck50k it imports btsplan/data, which package api never
// does.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/geo/synth"
	"btsplan/planning"
)

func BenchmarkChecksDuringCoverage(b *testing.B) {
	pool := datatest.New(b)
	ctx := context.Background()
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		b.Fatal(err)
	}
	d, err := synth.Generate(synth.Config{})
	if err != nil {
		b.Fatal(err)
	}
	layers := data.NewLayerStore(db, book)
	admin := data.NewAdminStore(db)
	loadDistrict(b, d, layers, admin)
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	dataDir := b.TempDir()
	dems := dem.NewStore(pool, dataDir)
	name, hgt := d.HGT()
	hgtPath := filepath.Join(b.TempDir(), name)
	if err := os.WriteFile(hgtPath, hgt, 0o644); err != nil {
		b.Fatal(err)
	}
	if _, err := dems.Import(ctx, "synthetic-demo", hgtPath); err != nil {
		b.Fatal(err)
	}
	orgs := data.NewOrgStore(db)
	props := data.NewProposalStore(db)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), props, admin, orgs, layers, nil)
	checks := bodySets(b, d)[0].bodies // the mix
	var seq atomic.Int64               // numbers the coverage bodies across runs: no cache hits

	// workers 0 is the reference: no coverage at all.
	for _, workers := range []int{0, planning.DefaultCoverageWorkers(), runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("coverage-workers=%d", workers), func(b *testing.B) {
			cov := planning.NewCoverageService(planning.CoverageConfig{Workers: workers, OnWorker: benchLowerPriority}, dem.Terrain{Store: dems},
				data.NewCoverageStore(db, dataDir), props)
			log := slog.New(slog.NewJSONHandler(io.Discard, nil))
			srv := httptest.NewServer(authed(api.NewHandler(log, api.Config{Orgs: orgs, Coverage: cov, Auth: testAuth}, svc)))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
			defer client.CloseIdleConnections()

			// Keep the queue full: one computing and MaxWaiting waiting,
			// each with new inputs (no cache hit), retrying on 503.
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var computed, busy atomic.Int64
			var failed atomic.Pointer[error]
			centre := d.Bound.Center()
			clients := cov.Config().MaxWaiting + 1
			if workers == 0 {
				clients = 0
			}
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						body := coverageBenchBody(centre, seq.Add(1))
						req, _ := http.NewRequest("POST", srv.URL+"/v1/coverage", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						cctx, cancel := context.WithCancel(ctx)
						go func() {
							select {
							case <-stop:
								cancel()
							case <-cctx.Done():
							}
						}()
						resp, err := client.Do(req.WithContext(cctx))
						if err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							switch resp.StatusCode {
							case http.StatusCreated:
								computed.Add(1)
							case http.StatusOK: // cached: seq wrapped around
							case http.StatusServiceUnavailable:
								busy.Add(1)
								time.Sleep(20 * time.Millisecond)
							default:
								err := fmt.Errorf("POST /v1/coverage: %s", resp.Status)
								failed.CompareAndSwap(nil, &err)
							}
						}
						cancel()
					}
				}()
			}
			for clients > 0 && cov.Waiting() < cov.Config().MaxWaiting && failed.Load() == nil {
				time.Sleep(10 * time.Millisecond)
			}
			if err := failed.Load(); err != nil {
				close(stop)
				wg.Wait()
				b.Fatal(*err)
			}

			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				if err := post(client, srv.URL+"/v1/checks", adminToken, checks[i%len(checks)]); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			waiting := cov.Waiting()
			close(stop)
			wg.Wait()
			slices.Sort(lat)
			at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e6 }
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
			b.ReportMetric(float64(computed.Load()), "coverages")
			b.ReportMetric(float64(waiting), "waiting")
		})
	}
}

// coverageBenchBody is a 15 km LTE coverage at the district's centre
// whose EIRP varies with i, so that no two are the same inputs.
func coverageBenchBody(centre [2]float64, i int64) []byte {
	b, _ := json.Marshal(map[string]any{
		"site":    map[string]any{"location": []float64{centre[0], centre[1]}, "height_m": 30, "freq_mhz": 1800, "technology": "LTE"},
		"sectors": []map[string]any{{"azimuth_deg": 0, "hbw_deg": 65, "vbw_deg": 7, "eirp_dbm": 40 + float64(i%4000)/100}},
		"options": map[string]any{"radius_m": 10000},
	})
	return b
}
