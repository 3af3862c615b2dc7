package jobs

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"btsplan/planning"
)

// queueSearch is the River queue of best-site searches.
const queueSearch = "search"

// SiteSearchArgs are the arguments of the site-search job, as River
// stores them (river_job.args).
type SiteSearchArgs struct {
	SearchID int64 `json:"search_id"`
}

// Kind names the job kind: planning.JobKindSiteSearch.
func (SiteSearchArgs) Kind() string { return planning.JobKindSiteSearch }

// InsertOpts puts the job in the search queue. Each search is queued once,
// by the transaction that stores it.
func (SiteSearchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueSearch}
}

// searchWorker works site-search jobs.
type searchWorker struct {
	river.WorkerDefaults[SiteSearchArgs]
	search *planning.SiteSearchService
	log    *slog.Logger
}

// Work runs the search (SiteSearchService.Run); see workTracked for what
// becomes of a failure.
func (w *searchWorker) Work(ctx context.Context, job *river.Job[SiteSearchArgs]) error {
	id := job.Args.SearchID
	log := w.log.With("job", job.ID, "site_search", id, "attempt", job.Attempt)
	return workTracked(ctx, log, job.JobRow, "site search", output{SearchID: id},
		func(progress func(done, total int)) error {
			s, err := w.search.Run(ctx, id, progress)
			if err == nil {
				log.Info("site search", "locations", s.Counts.Locations, "covered_people", s.Counts.CoveredPeople,
					"targets", s.Counts.Targets, "candidates_reaching", s.Counts.Reaching, "elapsed_ms", s.Counts.ElapsedMS)
			}
			return err
		},
		func(ctx context.Context, state planning.JobState, reason string) error {
			return w.search.Fail(ctx, id, state, reason)
		})
}

// InsertSiteSearchTx queues search searchID in tx, the transaction that
// stores it, and returns the job's ID; data.SiteSearchStore.AfterCreate
// calls it.
func (q *Queue) InsertSiteSearchTx(ctx context.Context, tx pgx.Tx, searchID int64) (int64, error) {
	res, err := q.client.InsertTx(ctx, tx, SiteSearchArgs{SearchID: searchID}, q.insertOpts())
	if err != nil {
		return 0, translate(err)
	}
	return res.Job.ID, nil
}
