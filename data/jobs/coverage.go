package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"btsplan/planning"
)

// ProposalCoverageArgs are the arguments of the proposal-coverage job, as
// River stores them (river_job.args).
type ProposalCoverageArgs struct {
	ProposalID int64 `json:"proposal_id"`
}

// Kind names the job kind: planning.JobKindProposalCoverage.
func (ProposalCoverageArgs) Kind() string { return planning.JobKindProposalCoverage }

// InsertOpts puts the job in the coverage queue and makes it unique per
// proposal while queued, running or retrying (River requires running
// among the unique states); a finished job does not stop a new one.
func (ProposalCoverageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue: queueCoverage,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
				rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled},
		},
	}
}

// coverageWorker works proposal-coverage jobs.
type coverageWorker struct {
	river.WorkerDefaults[ProposalCoverageArgs]
	cov  *planning.CoverageService
	fill *planning.GapFillService // nil: no gap fill
	// assess re-evaluates the proposal with its gap fill; nil: the gap
	// fill is kept beside the assessment.
	assess *planning.Service
	log    *slog.Logger
}

// Work computes the proposal's coverage (or finds it stored) and then,
// when the queue has a GapFillService, the gap fill of its latest
// assessment, stored beside it (GapFillService.Proposal). An Invalid
// or NotFound error cancels the job: trying again would give the same
// answer. Any other error is returned for River to retry with backoff.
func (w *coverageWorker) Work(ctx context.Context, job *river.Job[ProposalCoverageArgs]) error {
	id := job.Args.ProposalID
	log := w.log.With("job", job.ID, "proposal", id, "attempt", job.Attempt)
	p := startProgress(ctx, job.ID)
	c, err := w.cov.ProposalCoverage(ctx, id, p.report)
	p.stop()
	if err == nil {
		log.Info("proposal coverage", "coverage", c.ID, "area_km2", c.AreaKm2, "cached", c.Cached)
		done, total := p.counts()
		out := output{CoverageID: c.ID, AreaKm2: c.AreaKm2, Cached: c.Cached}
		if w.fill != nil {
			// The coverage is stored and linked: a retry finds it and
			// only redoes the gap fill.
			var g planning.GapFill
			var err error
			if w.assess != nil {
				var a planning.Assessment
				g, a, err = w.fill.ProposalReassessed(ctx, id, w.assess)
				if err == nil {
					log.Info("proposal re-evaluated with its gap fill", "assessment", a.ID, "verdict", a.Verdict)
				}
			} else {
				g, err = w.fill.Proposal(ctx, id)
			}
			if err != nil {
				return w.failed(ctx, log, job, "proposal gap fill", err)
			}
			log.Info("proposal gap fill", "assessment", g.AssessmentID, "villages", len(g.VillagesNewlyCovered),
				"people", g.PeopleNewlyCovered, "towers", len(g.ShareableTowers))
			out.GapFillVillages, out.GapFillPeople = len(g.VillagesNewlyCovered), g.PeopleNewlyCovered
			out.GapFill = true
		}
		if total > 0 {
			out.Progress = &progressOut{Done: done, Total: total}
		}
		if err := river.RecordOutput(ctx, out); err != nil {
			log.Warn("proposal coverage: record output", "err", err)
		}
		return nil
	}
	return w.failed(ctx, log, job, "proposal coverage", err)
}

// failed says what becomes of a job whose step what failed with err.
func (w *coverageWorker) failed(ctx context.Context, log *slog.Logger, job *river.Job[ProposalCoverageArgs], what string, err error) error {
	switch {
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely):
		log.Info(what + " cancelled")
		return err
	case planning.KindOf(err) == planning.Invalid || planning.KindOf(err) == planning.NotFound:
		log.Info(what+": not computable, not retried", "err", err)
		return river.JobCancel(err)
	}
	log.Warn(what+" failed; retried later", "err", err, "max_attempts", job.MaxAttempts)
	return err
}

// progressEvery is how often a running job writes its progress.
const progressEvery = time.Second

// progress collects a computation's progress and writes it to the job
// from its own goroutine, at most once per progressEvery, so that the
// computation's callback (called from its row workers) only stores two
// numbers.
type progress struct {
	done, total atomic.Int64
	stopc       chan struct{}
	wg          sync.WaitGroup
}

func startProgress(ctx context.Context, jobID int64) *progress {
	p := &progress{stopc: make(chan struct{})}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return p // not under a River client (a test calling Work): counts only
	}
	p.wg.Go(func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		var written int64 = -1
		for {
			select {
			case <-p.stopc:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			done, total := p.counts()
			if total == 0 || int64(done) == written {
				continue
			}
			out := output{Progress: &progressOut{Done: done, Total: total}}
			if _, err := client.JobUpdate(ctx, jobID, &river.JobUpdateParams{Output: out}); err == nil {
				written = int64(done)
			}
		}
	})
	return p
}

// report is the computation's progress callback.
func (p *progress) report(done, total int) {
	p.done.Store(int64(done))
	p.total.Store(int64(total))
}

func (p *progress) counts() (done, total int) {
	return int(p.done.Load()), int(p.total.Load())
}

// stop ends the writer and waits for it.
func (p *progress) stop() {
	close(p.stopc)
	p.wg.Wait()
}
