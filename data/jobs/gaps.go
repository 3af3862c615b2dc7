package jobs

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"btsplan/planning"
)

// queueGaps is the River queue of gap analyses.
const queueGaps = "gaps"

// GapAnalysisArgs are the arguments of the gap-analysis job, as River
// stores them (river_job.args).
type GapAnalysisArgs struct {
	AnalysisID int64 `json:"analysis_id"`
}

// Kind names the job kind: planning.JobKindGapAnalysis.
func (GapAnalysisArgs) Kind() string { return planning.JobKindGapAnalysis }

// InsertOpts puts the job in the gaps queue. Each analysis is queued once,
// by the transaction that stores it.
func (GapAnalysisArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueGaps}
}

// gapWorker works gap-analysis jobs.
type gapWorker struct {
	river.WorkerDefaults[GapAnalysisArgs]
	gaps *planning.GapService
	log  *slog.Logger
}

// Work runs the analysis (GapService.Run), reporting its progress as the
// proposal-coverage job does; see workTracked for what becomes of a
// failure.
func (w *gapWorker) Work(ctx context.Context, job *river.Job[GapAnalysisArgs]) error {
	id := job.Args.AnalysisID
	log := w.log.With("job", job.ID, "gap_analysis", id, "attempt", job.Attempt)
	return workTracked(ctx, log, job.JobRow, "gap analysis", output{AnalysisID: id},
		func(progress func(done, total int)) error {
			a, err := w.gaps.Run(ctx, id, progress)
			if err == nil {
				log.Info("gap analysis", "villages", a.Counts.Villages, "not_spot_total", a.Counts.NotSpotTotal,
					"not_spot_partial", a.Counts.NotSpotPartial, "gap_km2", a.Counts.GapKm2)
			}
			return err
		},
		func(ctx context.Context, state planning.JobState, reason string) error {
			return w.gaps.Fail(ctx, id, state, reason)
		})
}

// workTracked runs one job whose subject is stored with its own state (a
// gap analysis, a site search): run does the work, reporting progress;
// out is recorded as the job's output once it succeeds. A cancelled job
// and an Invalid or NotFound error are final: mark records the subject
// cancelled or failed. Any other error is returned for River to retry;
// on the last attempt the subject is marked failed.
func workTracked(ctx context.Context, log *slog.Logger, job *rivertype.JobRow, what string, out output,
	run func(progress func(done, total int)) error, mark func(ctx context.Context, state planning.JobState, reason string) error) error {
	p := startProgress(ctx, job.ID)
	err := run(p.report)
	p.stop()
	if err == nil {
		if done, total := p.counts(); total > 0 {
			out.Progress = &progressOut{Done: done, Total: total}
		}
		if err := river.RecordOutput(ctx, out); err != nil {
			log.Warn(what+": record output", "err", err)
		}
		return nil
	}
	record := func(state planning.JobState, reason string) {
		if err := mark(context.WithoutCancel(ctx), state, reason); err != nil {
			log.Warn(what+": record state", "err", err)
		}
	}
	switch {
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely):
		log.Info(what + " cancelled")
		record(planning.JobCancelled, "cancelled")
		return err
	case planning.KindOf(err) == planning.Invalid || planning.KindOf(err) == planning.NotFound:
		log.Info(what+": not computable, not retried", "err", err)
		record(planning.JobFailed, err.Error())
		return river.JobCancel(err)
	}
	if job.Attempt >= job.MaxAttempts {
		record(planning.JobFailed, err.Error())
	} else {
		record(planning.JobRetrying, err.Error())
	}
	log.Warn(what+" failed; retried later", "err", err, "max_attempts", job.MaxAttempts)
	return err
}

// EnqueueGapAnalysis queues analysis analysisID and returns its job.
// Errors: Unavailable.
func (q *Queue) EnqueueGapAnalysis(ctx context.Context, analysisID int64) (planning.Job, error) {
	res, err := q.client.Insert(ctx, GapAnalysisArgs{AnalysisID: analysisID}, q.insertOpts())
	if err != nil {
		return planning.Job{}, translate(err)
	}
	return newJob(res.Job), nil
}

// InsertGapAnalysisTx queues analysis analysisID in tx, the transaction
// that stores it, and returns the job's ID; data.GapStore.AfterCreate
// calls it.
func (q *Queue) InsertGapAnalysisTx(ctx context.Context, tx pgx.Tx, analysisID int64) (int64, error) {
	res, err := q.client.InsertTx(ctx, tx, GapAnalysisArgs{AnalysisID: analysisID}, q.insertOpts())
	if err != nil {
		return 0, translate(err)
	}
	return res.Job.ID, nil
}
