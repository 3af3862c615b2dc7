package planning

import (
	"context"
	"fmt"
	"time"
)

// JobState is where a background job stands.
type JobState string

// The job states. A job is queued until a worker takes it, running while
// one works it, retrying after a failed attempt that will be tried again
// (an Unavailable error, or a worker that stopped or died mid-job), and
// then done, failed (an Invalid input or too many attempts: it is not
// tried again) or cancelled.
const (
	JobQueued    JobState = "queued"
	JobRunning   JobState = "running"
	JobRetrying  JobState = "retrying"
	JobDone      JobState = "done"
	JobFailed    JobState = "failed"
	JobCancelled JobState = "cancelled"
)

// Final reports whether a job in state s will not run again.
func (s JobState) Final() bool {
	return s == JobDone || s == JobFailed || s == JobCancelled
}

// JobKindProposalCoverage is the kind of the job that computes a stored
// proposal's coverage (CoverageService.ProposalCoverage).
const JobKindProposalCoverage = "proposal_coverage"

// QueuesCoverage reports whether storing a proposal of site queues the job
// of its coverage (JobKindProposalCoverage): a site with antennas has a
// coverage to compute, one without has none. The ProposalStore (and the
// CaseStore) queue it in the transaction that stores the proposal, so that
// no job exists for a proposal that was not stored, nor the other way round.
func QueuesCoverage(site Site) bool { return len(site.Antennas) > 0 }

// Job is one background job as the domain sees it.
type Job struct {
	ID          int64
	Kind        string // JobKindProposalCoverage, …
	State       JobState
	Attempt     int // attempts begun so far, 1 for the first
	MaxAttempts int
	// Progress is what the job last reported; zero until it reports.
	Progress JobProgress
	// Errors are the messages of the failed attempts, oldest first.
	Errors     []string
	CreatedAt  time.Time
	FinishedAt time.Time // zero until the state is final
}

// JobProgress is how far a job has come: Done of Total units (for a
// coverage, the rays traced). Total is 0 when the job has not said.
type JobProgress struct {
	Done, Total int
}

// Fraction returns Done/Total in [0, 1], or 0 when Total is unknown.
func (p JobProgress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	return min(1, max(0, float64(p.Done)/float64(p.Total)))
}

// Jobs queues background work in the database, where any number of
// workers share it, and reports on it. A queued job survives a restart,
// and the job of a worker that dies is run again. data/jobs implements it
// over River.
type Jobs interface {
	// EnqueueProposalCoverage queues the coverage of a stored proposal
	// and returns its job. While a job for the same proposal is queued,
	// running or retrying, that job is returned instead of a new one.
	// Errors: Unavailable.
	EnqueueProposalCoverage(ctx context.Context, proposalID int64) (Job, error)
	// Job returns a job; NotFound.
	Job(ctx context.Context, id int64) (Job, error)
	// CancelJob cancels a job: a queued one never runs, a running one has
	// its context cancelled (on whichever worker runs it) and is not tried
	// again; a finished one is left as it is. It returns the job as it
	// stands. Errors: NotFound, Unavailable.
	CancelJob(ctx context.Context, id int64) (Job, error)
}

// cancelTracked cancels the job jobID of something a job computes (a gap
// analysis, a site search) whose stored state is state: a queued job never
// runs, a running one has its context cancelled and its worker records the
// subject cancelled. A job already cancelled when CancelJob answers (it
// was queued) is recorded cancelled here through mark. Errors: Exists
// naming "id" when the subject is final already (done, failed,
// cancelled); Unavailable without a job queue; those of CancelJob.
func cancelTracked(ctx context.Context, jobs Jobs, what string, jobID int64, state JobState, mark func(ctx context.Context, state JobState, reason string) error) error {
	if state.Final() {
		return &Error{Kind: Exists, Field: "id", Err: fmt.Errorf("%s is %s already: nothing to cancel", what, state)}
	}
	if jobs == nil || jobID == 0 {
		return &Error{Kind: Unavailable, Err: fmt.Errorf("%s has no job to cancel: no job queue is configured", what)}
	}
	j, err := jobs.CancelJob(ctx, jobID)
	if err != nil {
		return fmt.Errorf("cancel %s: %w", what, err)
	}
	if j.State == JobCancelled {
		if err := mark(ctx, JobCancelled, "cancelled"); err != nil {
			return fmt.Errorf("cancel %s: %w", what, err)
		}
	}
	return nil
}
