package jobs_test

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/data/jobs"
	"btsplan/geo"
	"btsplan/planning"
)

// fixture is a throwaway schema with a synthetic DEM tile, the stores and
// a coverage service over them: what serve wires, without River.
type fixture struct {
	pool  *pgxpool.Pool
	props *data.ProposalStore
	cov   *planning.CoverageService
	dir   string
}

// siteLon, siteLat is the proposals' site, in the middle of the tile.
const siteLon, siteLat = 105.5, 21.5

func newFixture(tb testing.TB) fixture {
	tb.Helper()
	ctx := context.Background()
	pool := datatest.New(tb)
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	dir := tb.TempDir()
	dems := dem.NewStore(pool, dir)
	if _, err := dems.Import(ctx, "synthetic-test", writeHGT(tb, tb.TempDir())); err != nil {
		tb.Fatalf("import DEM: %v", err)
	}
	return fixture{
		pool:  pool,
		props: data.NewProposalStore(db),
		cov: planning.NewCoverageService(planning.CoverageConfig{}, dem.Terrain{Store: dems},
			data.NewCoverageStore(db, dir), data.NewProposalStore(db)),
		dir: dir,
	}
}

// writeHGT writes N21E105.hgt, an SRTM-3 tile of rolling hills (in whole
// metres, 200 to 800 m) into dir and returns its path.
func writeHGT(tb testing.TB, dir string) string {
	tb.Helper()
	const side = 1201
	b := make([]byte, 2*side*side)
	for y := range side {
		for x := range side {
			lon, lat := 105+float64(x)/(side-1), 22-float64(y)/(side-1)
			h := 500 + 200*math.Sin(lon*40)*math.Cos(lat*33) + 100*math.Sin((lon+lat)*90)
			binary.BigEndian.PutUint16(b[2*(y*side+x):], uint16(int16(math.Round(h))))
		}
	}
	p := filepath.Join(dir, "N21E105.hgt")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// blockingTerrain is a terrain source that never answers: a coverage over
// it runs until its context ends, as a long computation would.
type blockingTerrain struct{ started chan<- struct{} }

func (b blockingTerrain) Window(ctx context.Context, _, _, _ float64) (*geo.Grid, planning.TerrainInfo, error) {
	if b.started != nil {
		select {
		case b.started <- struct{}{}:
		default:
		}
	}
	<-ctx.Done()
	return nil, planning.TerrainInfo{}, &planning.Error{Kind: planning.Unavailable, Err: ctx.Err()}
}

// Info answers at once, as the tile index would for a 3" DEM, so that the
// computation gets as far as waiting for the window.
func (b blockingTerrain) Info(context.Context, float64, float64, float64) (planning.TerrainInfo, error) {
	return planning.TerrainInfo{Version: "blocking", StepLonDeg: 1.0 / 1200, StepLatDeg: 1.0 / 1200}, nil
}

// blockingCoverage is a coverage service over f's stores whose
// computations never end by themselves.
func (f fixture) blockingCoverage(started chan<- struct{}) *planning.CoverageService {
	db := data.NewDB(f.pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	return planning.NewCoverageService(planning.CoverageConfig{}, blockingTerrain{started},
		data.NewCoverageStore(db, f.dir), data.NewProposalStore(db))
}

// submit stores a proposal (an 1800 MHz LTE sector on a 30 m mast, or a
// site without antennas, whose coverage cannot be computed) through store,
// as planning.Service.Submit does.
func submit(tb testing.TB, store *data.ProposalStore, code string, antennas bool) (int64, error) {
	tb.Helper()
	if antennas {
		return submitBand(tb, store, code, 1800)
	}
	return submitBand(tb, store, code, 0)
}

// submitBand is submit with one sector in band MHz; 0 is no antenna.
func submitBand(tb testing.TB, store *data.ProposalStore, code string, bandMHz float64) (int64, error) {
	tb.Helper()
	p := planning.Proposal{Site: planning.Site{Carrier: "452-04", Code: code, Location: orb.Point{siteLon, siteLat},
		Structure: planning.StructureA2b, HeightM: 30}}
	if bandMHz > 0 {
		p.Site.Antennas = []planning.Antenna{{AzimuthDeg: 90, TiltDeg: 2, BandMHz: bandMHz, EIRPdBm: 58, Technology: "LTE"}}
	}
	a := planning.Assessment{Verdict: planning.Approve, RuleSetVersion: "national-test"}
	err := store.CreateProposal(context.Background(), &p, &a, "sha256:"+code)
	return p.ID, err
}

// newQueue returns a job queue on pool with cfg, logging to the test, and
// stops it when the test ends.
func newQueue(tb testing.TB, pool *pgxpool.Pool, cov *planning.CoverageService, cfg jobs.Config) *jobs.Queue {
	tb.Helper()
	if cfg.Log == nil {
		cfg.Log = testLog(tb)
	}
	cfg.PollInterval = 100 * time.Millisecond
	q, err := jobs.New(context.Background(), pool, cov, cfg)
	if err != nil {
		tb.Fatalf("jobs.New: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			tb.Errorf("stop queue: %v", err)
		}
	})
	return q
}

func testLog(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// waitJob polls job id until cond holds, failing the test after limit.
func waitJob(tb testing.TB, q *jobs.Queue, id int64, limit time.Duration, what string, cond func(planning.Job) bool) planning.Job {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		j, err := q.Job(context.Background(), id)
		if err != nil {
			tb.Fatalf("Job(%d): %v", id, err)
		}
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			tb.Fatalf("job %d is %s (attempt %d, errors %q) after %v, want %s", id, j.State, j.Attempt, j.Errors, limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// jobOf returns the job of proposal id: queueing its coverage again
// returns the job that is there.
func jobOf(tb testing.TB, q *jobs.Queue, proposalID int64) planning.Job {
	tb.Helper()
	j, err := q.EnqueueProposalCoverage(context.Background(), proposalID)
	if err != nil {
		tb.Fatalf("EnqueueProposalCoverage(%d): %v", proposalID, err)
	}
	return j
}

func count(tb testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}
