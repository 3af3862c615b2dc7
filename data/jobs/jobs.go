package jobs

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"btsplan/data"
	"btsplan/planning"
)

//go:embed sql/schema.sql
var qSchema string

// Defaults of Config.
const (
	DefaultJobTimeout  = 10 * time.Minute
	DefaultMaxAttempts = 10
	// rescueMargin is added to the job timeout for DefaultRescueAfter: a
	// job that has run that long is not being worked by anyone.
	rescueMargin = time.Minute
)

// queueCoverage is the River queue of proposal coverages.
const queueCoverage = "coverage"

// Config tunes a Queue; zero fields take the defaults.
type Config struct {
	// Workers is how many proposal coverages this process works at once.
	// 0 makes a queue that only queues and reports: Start does nothing.
	// Each coverage uses every core and the CoverageService computes one
	// at a time by default, so 1 is the useful value for a process.
	Workers int
	// JobTimeout bounds one attempt of a job; then its context is
	// cancelled and it is retried. Default DefaultJobTimeout.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// to be on a dead worker and run again (River's RescueStuckJobsAfter;
	// River's rescuer looks once on the leader's start and then every
	// 30 s). At least JobTimeout; default JobTimeout + 1 min.
	RescueAfter time.Duration
	// MaxAttempts is how many times a job is tried before it fails for
	// good. Default DefaultMaxAttempts.
	MaxAttempts int
	// PollInterval is how often a worker looks for jobs besides being
	// woken by LISTEN/NOTIFY (River's FetchPollInterval). Default 1 s.
	PollInterval time.Duration
	// Log gets the jobs' results and failures (and River's warnings);
	// nil discards them.
	Log *slog.Logger
	// Gaps runs gap analyses; with Workers > 0 and Gaps set, the queue
	// also works the gaps queue, GapWorkers at once (default 1).
	Gaps       *planning.GapService
	GapWorkers int
	// GapFill, when set, makes the proposal-coverage job compute and store
	// each proposal's gap fill after its coverage.
	GapFill *planning.GapFillService
	// Assess, when set with GapFill, re-evaluates each proposal with its
	// gap fill as a new assessment once the gap fill is computed
	// (GapFillService.ProposalReassessed), so that the rules on the gap
	// fill apply; the first assessment is kept.
	Assess *planning.Service

	// Search, when set with Workers > 0, makes the queue also work the
	// search queue (best-site searches), one at a time.
	Search *planning.SiteSearchService
	// Webhooks, when set with Workers > 0, makes the queue deliver webhook
	// notifications, WebhookWorkers at once (default 2), each attempt
	// bounded by WebhookTimeout (default DefaultWebhookTimeout).
	// WebhookAllowPrivate lets deliveries reach loopback and private
	// addresses (BTSPLAN_WEBHOOK_ALLOW_PRIVATE).
	Webhooks            *data.WebhookStore
	WebhookWorkers      int
	WebhookTimeout      time.Duration
	WebhookAllowPrivate bool
	// Expiry, when set with Workers > 0, expires approvals every
	// ExpiryInterval (default DefaultExpiryInterval) and once at start, on
	// the elected leader among the workers.
	Expiry         *planning.Expiry
	ExpiryInterval time.Duration
}

// Queue is the job queue over one database schema: it queues jobs, reports
// on them and, when Config.Workers > 0 and Start was called, works them.
// It implements planning.Jobs and is safe for concurrent use.
type Queue struct {
	client *river.Client[pgx.Tx]
	cfg    Config
	log    *slog.Logger
	works  bool
}

var _ planning.Jobs = (*Queue)(nil)

// New returns a Queue on pool, whose River tables are in the pool's
// current schema (data.Migrate creates them). cov computes the coverages;
// it may be nil when cfg.Workers is 0.
func New(ctx context.Context, pool *pgxpool.Pool, cov *planning.CoverageService, cfg Config) (*Queue, error) {
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("job queue: %d workers", cfg.Workers)
	}
	if cfg.Workers > 0 && cov == nil {
		return nil, errors.New("job queue: workers need a coverage service")
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = DefaultJobTimeout
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = cfg.JobTimeout + rescueMargin
	}
	if cfg.RescueAfter < cfg.JobTimeout {
		return nil, fmt.Errorf("job queue: rescue after %v is shorter than the job timeout %v", cfg.RescueAfter, cfg.JobTimeout)
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var schema string
	var migrated bool
	if err := pool.QueryRow(ctx, qSchema).Scan(&schema, &migrated); err != nil {
		return nil, fmt.Errorf("job queue: schema: %w", translate(err))
	}
	if !migrated {
		return nil, fmt.Errorf("job queue: River's tables are not in schema %q: run btsplan migrate", schema)
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &coverageWorker{cov: cov, fill: cfg.GapFill, assess: cfg.Assess, log: log})
	// Every kind is registered, whether or not this process works it:
	// River refuses to insert a job of a kind its client does not know, and
	// the queue that inserts gap analyses (cmd's, without workers) is built
	// before the GapService that would run them. The gaps queue is worked
	// only with Gaps set (below).
	river.AddWorker(workers, &gapWorker{gaps: cfg.Gaps, log: log})
	river.AddWorker(workers, &searchWorker{search: cfg.Search, log: log})
	if cfg.WebhookTimeout <= 0 {
		cfg.WebhookTimeout = DefaultWebhookTimeout
	}
	if cfg.ExpiryInterval <= 0 {
		cfg.ExpiryInterval = DefaultExpiryInterval
	}
	river.AddWorker(workers, &webhookWorker{store: cfg.Webhooks, allowPrivate: cfg.WebhookAllowPrivate,
		client: newWebhookClient(cfg.WebhookAllowPrivate, cfg.WebhookTimeout), log: log})
	river.AddWorker(workers, &expiryWorker{expiry: cfg.Expiry, log: log})
	rc := &river.Config{
		Logger:               riverLogger(log),
		Schema:               schema,
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          cfg.MaxAttempts,
		FetchPollInterval:    cfg.PollInterval,
	}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{queueCoverage: {MaxWorkers: cfg.Workers}}
		if cfg.Gaps != nil {
			rc.Queues[queueGaps] = river.QueueConfig{MaxWorkers: max(1, cfg.GapWorkers)}
		}
		if cfg.Search != nil {
			rc.Queues[queueSearch] = river.QueueConfig{MaxWorkers: 1}
		}
		if cfg.Webhooks != nil {
			rc.Queues[queueWebhooks] = river.QueueConfig{MaxWorkers: cmp.Or(max(0, cfg.WebhookWorkers), 2)}
		}
		if cfg.Expiry != nil {
			rc.Queues[queueExpiry] = river.QueueConfig{MaxWorkers: 1}
			rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(cfg.ExpiryInterval),
				func() (river.JobArgs, *river.InsertOpts) { return ExpireApprovalsArgs{}, nil },
				&river.PeriodicJobOpts{ID: planning.JobKindExpireApprovals, RunOnStart: true})}
		}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{client: client, cfg: cfg, log: log, works: cfg.Workers > 0}, nil
}

// riverLogger passes River's own warnings and errors on, not its info
// (every start, stop and leadership change).
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(levelHandler{Handler: log.Handler(), min: slog.LevelWarn})
}

type levelHandler struct {
	slog.Handler
	min slog.Level
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return levelHandler{Handler: h.Handler.WithAttrs(as), min: h.min}
}

func (h levelHandler) WithGroup(name string) slog.Handler {
	return levelHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}

// Start starts working jobs in the background until Stop; without
// workers it does nothing. The jobs' contexts derive from ctx without its
// cancellation: only Stop ends them, so that a signal stops a worker
// through Stop's timeout rather than by cutting every job at once.
func (q *Queue) Start(ctx context.Context) error {
	if !q.works {
		return nil
	}
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	return nil
}

// Stop stops working: no job is taken any more, and the jobs under way
// have their contexts cancelled; they fail as Unavailable and are retried
// by a worker that runs (or by this one when it starts again). It waits
// for them until ctx ends. Without workers, or before Start, it does
// nothing.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.works {
		return nil
	}
	if err := q.client.StopAndCancel(ctx); err != nil {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	return nil
}

// EnqueueProposalCoverage queues the coverage of proposal proposalID; see
// planning.Jobs. Errors: Unavailable.
func (q *Queue) EnqueueProposalCoverage(ctx context.Context, proposalID int64) (planning.Job, error) {
	res, err := q.client.Insert(ctx, ProposalCoverageArgs{ProposalID: proposalID}, q.insertOpts())
	if err != nil {
		return planning.Job{}, fmt.Errorf("queue coverage of proposal %d: %w", proposalID, translate(err))
	}
	return newJob(res.Job), nil
}

// InsertProposalCoverageTx queues the coverage of proposal proposalID in
// tx, the transaction that stores the proposal, so that the job commits
// or rolls back with it; data.ProposalStore.AfterCreate calls it.
func (q *Queue) InsertProposalCoverageTx(ctx context.Context, tx pgx.Tx, proposalID int64) error {
	if _, err := q.client.InsertTx(ctx, tx, ProposalCoverageArgs{ProposalID: proposalID}, q.insertOpts()); err != nil {
		return fmt.Errorf("queue coverage of proposal %d: %w", proposalID, translate(err))
	}
	return nil
}

func (q *Queue) insertOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: q.cfg.MaxAttempts}
}

// Job returns job id; NotFound.
func (q *Queue) Job(ctx context.Context, id int64) (planning.Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return planning.Job{}, fmt.Errorf("job %d: %w", id, translate(err))
	}
	return newJob(row), nil
}

// CancelJob cancels job id (River's JobCancel); see planning.Jobs. A
// running job's worker learns it through LISTEN/NOTIFY, or its next poll,
// and its context is cancelled. Errors: NotFound, Unavailable.
func (q *Queue) CancelJob(ctx context.Context, id int64) (planning.Job, error) {
	row, err := q.client.JobCancel(ctx, id)
	if err != nil {
		return planning.Job{}, fmt.Errorf("cancel job %d: %w", id, translate(err))
	}
	return newJob(row), nil
}

// output is what a job keeps in its metadata under "output": its progress
// while it runs, and its result once done.
type output struct {
	Progress *progressOut `json:"progress,omitempty"`
	// The result of a proposal coverage.
	CoverageID int64   `json:"coverage_id,omitempty"`
	AreaKm2    float64 `json:"area_km2,omitempty"`
	Cached     bool    `json:"cached,omitempty"`
	// The gap fill that followed it: villages newly covered, people.
	GapFill         bool `json:"gap_fill,omitempty"`
	GapFillVillages int  `json:"gap_fill_villages,omitempty"`
	GapFillPeople   int  `json:"gap_fill_people,omitempty"`
	// The result of a gap analysis.
	AnalysisID int64 `json:"analysis_id,omitempty"`
	// The result of a site search.
	SearchID int64 `json:"search_id,omitempty"`
}

type progressOut struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// newJob turns River's row into the domain's job.
func newJob(row *rivertype.JobRow) planning.Job {
	j := planning.Job{
		ID:          row.ID,
		Kind:        row.Kind,
		Attempt:     row.Attempt,
		MaxAttempts: row.MaxAttempts,
		CreatedAt:   row.CreatedAt,
	}
	switch row.State {
	case rivertype.JobStateRunning:
		j.State = planning.JobRunning
	case rivertype.JobStateRetryable:
		j.State = planning.JobRetrying
	case rivertype.JobStateCompleted:
		j.State = planning.JobDone
	case rivertype.JobStateDiscarded:
		j.State = planning.JobFailed
	case rivertype.JobStateCancelled:
		j.State = planning.JobCancelled
	default: // available, pending, scheduled
		j.State = planning.JobQueued
		if row.Attempt > 0 {
			j.State = planning.JobRetrying
		}
	}
	if row.FinalizedAt != nil {
		j.FinishedAt = *row.FinalizedAt
	}
	for _, e := range row.Errors {
		j.Errors = append(j.Errors, e.Error)
	}
	var meta struct {
		Output output `json:"output"`
	}
	if json.Unmarshal(row.Metadata, &meta) == nil && meta.Output.Progress != nil {
		j.Progress = planning.JobProgress{Done: meta.Output.Progress.Done, Total: meta.Output.Progress.Total}
	}
	return j
}

// translate maps River's and the driver's errors to planning kinds.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rivertype.ErrNotFound), errors.Is(err, pgx.ErrNoRows):
		return &planning.Error{Kind: planning.NotFound, Err: errors.New("no such job")}
	case errors.Is(err, context.Canceled):
		return &planning.Error{Kind: planning.Unavailable, Err: err}
	}
	return data.Translate(err)
}
