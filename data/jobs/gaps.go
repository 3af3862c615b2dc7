package jobs

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

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
// proposal-coverage job does. A cancelled job and an Invalid or NotFound
// error are final: the analysis is marked cancelled or failed. Any other
// error is returned for River to retry; on the last attempt the analysis
// is marked failed.
func (w *gapWorker) Work(ctx context.Context, job *river.Job[GapAnalysisArgs]) error {
	id := job.Args.AnalysisID
	log := w.log.With("job", job.ID, "gap_analysis", id, "attempt", job.Attempt)
	p := startProgress(ctx, job.ID)
	a, err := w.gaps.Run(ctx, id, p.report)
	p.stop()
	if err == nil {
		log.Info("gap analysis", "villages", a.Counts.Villages, "not_spot_total", a.Counts.NotSpotTotal,
			"not_spot_partial", a.Counts.NotSpotPartial, "gap_km2", a.Counts.GapKm2)
		done, total := p.counts()
		out := output{AnalysisID: id}
		if total > 0 {
			out.Progress = &progressOut{Done: done, Total: total}
		}
		if err := river.RecordOutput(ctx, out); err != nil {
			log.Warn("gap analysis: record output", "err", err)
		}
		return nil
	}
	mark := func(state planning.JobState, reason string) {
		if err := w.gaps.Fail(context.WithoutCancel(ctx), id, state, reason); err != nil {
			log.Warn("gap analysis: record state", "err", err)
		}
	}
	switch {
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely):
		log.Info("gap analysis cancelled")
		mark(planning.JobCancelled, "cancelled")
		return err
	case planning.KindOf(err) == planning.Invalid || planning.KindOf(err) == planning.NotFound:
		log.Info("gap analysis: not computable, not retried", "err", err)
		mark(planning.JobFailed, err.Error())
		return river.JobCancel(err)
	}
	if job.Attempt >= job.MaxAttempts {
		mark(planning.JobFailed, err.Error())
	} else {
		mark(planning.JobRetrying, err.Error())
	}
	log.Warn("gap analysis failed; retried later", "err", err, "max_attempts", job.MaxAttempts)
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
