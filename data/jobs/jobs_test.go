package jobs_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/jobs"
	"btsplan/planning"
)

// TestProposalCoverageJob follows a proposal's coverage job from the
// submission's transaction, through a restart, to the stored coverage.
func TestProposalCoverageJob(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// No worker runs yet: this queue only queues, as in a CLI command or a
	// server with BTSPLAN_WORKERS=0.
	inserter := newQueue(t, f.pool, nil, jobs.Config{})
	f.props.AfterCreate(inserter.InsertProposalCoverageTx)

	pid, err := submit(t, f.props, "JOB-1", true)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	job := jobOf(t, inserter, pid)
	// The worker of a process started later: its own pool, its own River
	// client (started in "survives a restart").
	pool, err := data.Open(ctx, f.pool.Config().ConnString(), data.PoolConfig{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	worker := newQueue(t, pool, f.cov, jobs.Config{Workers: 1})

	t.Run("queued in the submission's transaction, once", func(t *testing.T) {
		if job.State != planning.JobQueued || job.Kind != planning.JobKindProposalCoverage || job.Attempt != 0 {
			t.Errorf("job = %s %s attempt %d, want queued %s attempt 0", job.State, job.Kind, job.Attempt, planning.JobKindProposalCoverage)
		}
		if n := count(t, f.pool, "SELECT count(*) FROM river_job WHERE (args->>'proposal_id')::bigint = $1", pid); n != 1 {
			t.Errorf("%d jobs for proposal %d after the submission and a second enqueue, want 1", n, pid)
		}
	})

	t.Run("a failed submission queues nothing", func(t *testing.T) {
		failing := data.NewProposalStore(data.NewDB(f.pool, data.PoolConfig{}))
		failing.AfterCreate(func(ctx context.Context, tx pgx.Tx, id int64) error {
			if err := inserter.InsertProposalCoverageTx(ctx, tx, id); err != nil {
				return err
			}
			return errors.New("the submission fails after queueing")
		})
		before := count(t, f.pool, "SELECT count(*) FROM river_job")
		if _, err := submit(t, failing, "JOB-ROLLBACK", true); err == nil {
			t.Fatal("submit succeeded, want the hook's error")
		}
		if n := count(t, f.pool, "SELECT count(*) FROM proposal WHERE site_code = 'JOB-ROLLBACK'"); n != 0 {
			t.Errorf("%d proposals stored, want 0", n)
		}
		if n := count(t, f.pool, "SELECT count(*) FROM river_job"); n != before {
			t.Errorf("%d jobs after a rolled-back submission, want %d", n, before)
		}
	})

	t.Run("survives a restart and stores the coverage", func(t *testing.T) {
		if _, ok, err := f.cov.StoredProposalCoverage(ctx, pid); err != nil || ok {
			t.Fatalf("coverage before any worker ran: ok %v, %v; want none", ok, err)
		}
		if err := worker.Start(ctx); err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, worker, job.ID, time.Minute, "done", func(j planning.Job) bool { return j.State.Final() })
		if j.State != planning.JobDone || j.Attempt != 1 || j.FinishedAt.IsZero() {
			t.Fatalf("job = %s attempt %d finished %v (errors %q), want done on attempt 1", j.State, j.Attempt, j.FinishedAt, j.Errors)
		}
		if j.Progress.Total == 0 || j.Progress.Done != j.Progress.Total {
			t.Errorf("final progress = %d of %d, want all of a known total", j.Progress.Done, j.Progress.Total)
		}
		c, ok, err := f.cov.StoredProposalCoverage(ctx, pid)
		if err != nil || !ok || c.AreaKm2 <= 0 {
			t.Errorf("stored coverage = %.2f km², ok %v, %v; want an area", c.AreaKm2, ok, err)
		}
		if again := jobOf(t, worker, pid); again.ID == job.ID || again.State != planning.JobQueued {
			t.Errorf("enqueue after the job finished = job %d %s, want a new queued job", again.ID, again.State)
		}
	})

	t.Run("a site that cannot be computed is not retried", func(t *testing.T) {
		// A 28 GHz sector is a valid proposal but beyond ITM's 20 GHz.
		bad, err := submitBand(t, f.props, "JOB-MMWAVE", 28000)
		if err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, inserter, jobOf(t, inserter, bad).ID, time.Minute, "final", func(j planning.Job) bool { return j.State.Final() })
		if j.State != planning.JobCancelled || j.Attempt != 1 || len(j.Errors) != 1 {
			t.Errorf("job = %s attempt %d errors %q, want cancelled after 1 attempt with its reason", j.State, j.Attempt, j.Errors)
		}
	})

	t.Run("a site without antennas queues no job", func(t *testing.T) {
		pid, err := submit(t, f.props, "JOB-NO-ANTENNA", false)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := f.pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE args->>'proposal_id' = $1", strconv.FormatInt(pid, 10)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d jobs for a proposal without antennas, want none", n)
		}
	})

	t.Run("unknown job", func(t *testing.T) {
		if _, err := inserter.Job(ctx, 1<<40); planning.KindOf(err) != planning.NotFound {
			t.Errorf("Job(unknown) error = %v, want NotFound", err)
		}
		if _, err := inserter.CancelJob(ctx, 1<<40); planning.KindOf(err) != planning.NotFound {
			t.Errorf("CancelJob(unknown) error = %v, want NotFound", err)
		}
	})
}

// TestCancelJob cancels a queued job and a running one.
func TestCancelJob(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	started := make(chan struct{}, 1)
	q := newQueue(t, f.pool, f.blockingCoverage(started), jobs.Config{Workers: 1})
	f.props.AfterCreate(q.InsertProposalCoverageTx)

	queued, err := submit(t, f.props, "CANCEL-QUEUED", true)
	if err != nil {
		t.Fatal(err)
	}
	running, err := submit(t, f.props, "CANCEL-RUNNING", true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		proposal int64
		start    bool // start the worker and wait for the job to run before cancelling
	}{
		{"queued", queued, false},
		{"running", running, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := jobOf(t, q, tc.proposal)
			if tc.start {
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				select {
				case <-started:
				case <-time.After(30 * time.Second):
					t.Fatal("the job did not start within 30 s")
				}
				j = waitJob(t, q, j.ID, 10*time.Second, "running", func(j planning.Job) bool { return j.State == planning.JobRunning })
			}
			got, err := q.CancelJob(ctx, j.ID)
			if err != nil {
				t.Fatalf("CancelJob: %v", err)
			}
			if !tc.start && got.State != planning.JobCancelled {
				t.Errorf("queued job after CancelJob = %s, want cancelled at once", got.State)
			}
			got = waitJob(t, q, j.ID, 30*time.Second, "cancelled", func(j planning.Job) bool { return j.State.Final() })
			if got.State != planning.JobCancelled || got.FinishedAt.IsZero() {
				t.Errorf("job = %s finished %v, want cancelled", got.State, got.FinishedAt)
			}
		})
	}
}

// childEnv names the database of the worker process that
// TestKilledWorkerJobRunsAgain starts and kills.
const childEnv = "BTSPLAN_JOBS_TEST_CHILD_URL"

// TestKilledWorkerJobRunsAgain kills a worker process in the middle of a
// job (SIGKILL: it cannot say anything), and the job is rescued and
// completed by another worker.
func TestKilledWorkerJobRunsAgain(t *testing.T) {
	if url := os.Getenv(childEnv); url != "" {
		runChildWorker(t, url)
		return
	}
	f := newFixture(t)
	ctx := context.Background()
	inserter := newQueue(t, f.pool, nil, jobs.Config{})
	f.props.AfterCreate(inserter.InsertProposalCoverageTx)
	pid, err := submit(t, f.props, "KILLED-1", true)
	if err != nil {
		t.Fatal(err)
	}
	job := jobOf(t, inserter, pid)

	// River's rescuer runs on the elected leader among the clients, when
	// it is elected and then every 30 s, and it takes a job to be stuck
	// once it has run longer than RescueStuckJobsAfter and the job
	// timeout. So a client that works no queue of ours but rescues after
	// a short time holds the leadership while the child works; when it
	// steps down after the kill, its successor is elected at once (not
	// after the dead child's lease) and rescues the job on election.
	const rescueAfter = time.Second
	leader := startLeader(t, f, rescueAfter)

	child := exec.Command(os.Args[0], "-test.run=^TestKilledWorkerJobRunsAgain$", "-test.count=1")
	child.Env = append(os.Environ(), childEnv+"="+f.pool.Config().ConnString())
	child.Stdout, child.Stderr = t.Output(), t.Output()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			child.Process.Kill() //nolint:errcheck
			child.Wait()         //nolint:errcheck
		}
	}()
	j := waitJob(t, inserter, job.ID, 30*time.Second, "running on the child", func(j planning.Job) bool { return j.State == planning.JobRunning })
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait() //nolint:errcheck // killed
	killed = true
	if j, err = inserter.Job(ctx, job.ID); err != nil || j.State != planning.JobRunning {
		t.Fatalf("after the kill the job is %s (%v), want still running: nobody could tell", j.State, err)
	}

	// A new leader once the job has been running for longer than
	// rescueAfter, then a worker with the default timeouts. The worker
	// starts only after the election: every client stands for leader, and
	// a worker elected in its place would rescue only after 11 minutes.
	var attemptedAt time.Time
	if err := f.pool.QueryRow(ctx, "SELECT attempted_at FROM river_job WHERE id = $1", job.ID).Scan(&attemptedAt); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(attemptedAt.Add(rescueAfter + 100*time.Millisecond)))
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := leader.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	startLeader(t, f, rescueAfter)
	worker := newQueue(t, f.pool, f.cov, jobs.Config{Workers: 1})
	if err := worker.Start(ctx); err != nil {
		t.Fatal(err)
	}

	j = waitJob(t, worker, job.ID, time.Minute, "done", func(j planning.Job) bool { return j.State.Final() })
	if j.State != planning.JobDone || j.Attempt != 2 || len(j.Errors) != 1 {
		t.Errorf("job = %s attempt %d errors %q, want done on attempt 2 after the rescue", j.State, j.Attempt, j.Errors)
	}
	if _, ok, err := f.cov.StoredProposalCoverage(ctx, pid); err != nil || !ok {
		t.Errorf("stored coverage: ok %v, %v; want it", ok, err)
	}
}

// runChildWorker is the worker process of TestKilledWorkerJobRunsAgain:
// it works the queue with a computation that never ends until killed.
func runChildWorker(t *testing.T, url string) {
	ctx := context.Background()
	pool, err := data.Open(ctx, url, data.PoolConfig{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{pool: pool, dir: t.TempDir()}
	q, err := jobs.New(ctx, pool, f.blockingCoverage(nil), jobs.Config{Workers: 1, PollInterval: 100 * time.Millisecond, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Minute) // the parent kills it long before
	t.Fatal("the worker process was not killed")
}

// startLeader starts a River client on f's schema that works no queue of
// ours and takes a job to be stuck after rescueAfter, and waits until it
// is the elected leader. It knows the coverage job's kind, which the
// rescuer needs, but never works it.
func startLeader(t *testing.T, f fixture, rescueAfter time.Duration) *river.Client[pgx.Tx] {
	t.Helper()
	var schema string
	if err := f.pool.QueryRow(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[idleArgs]) error { return nil }))
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[jobs.ProposalCoverageArgs]) error {
		return errors.New("the leader works no coverage")
	}))
	c, err := river.NewClient(riverpgxv5.New(f.pool), &river.Config{
		Schema:               schema,
		Queues:               map[string]river.QueueConfig{"idle": {MaxWorkers: 1}},
		Workers:              workers,
		JobTimeout:           rescueAfter,
		RescueStuckJobsAfter: rescueAfter,
		Logger:               testLog(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.StopAndCancel(ctx) //nolint:errcheck // may be stopped already
	})
	deadline := time.Now().Add(30 * time.Second)
	for count(t, f.pool, "SELECT count(*) FROM river_leader WHERE leader_id = $1", c.ID()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the leader client was not elected within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

type idleArgs struct{}

func (idleArgs) Kind() string { return "idle" }

func TestNewNeedsRiverSchema(t *testing.T) {
	pool := datatest.New(t)
	ctx := context.Background()
	if _, err := jobs.New(ctx, pool, nil, jobs.Config{}); err != nil {
		t.Fatalf("New on a migrated schema: %v", err)
	}
	if _, err := pool.Exec(ctx, "DROP TABLE river_job CASCADE"); err != nil {
		t.Fatal(err)
	}
	_, err := jobs.New(ctx, pool, nil, jobs.Config{})
	if err == nil || !strings.Contains(err.Error(), "btsplan migrate") {
		t.Errorf("New without River's tables: %v, want an error saying to migrate", err)
	}
}
