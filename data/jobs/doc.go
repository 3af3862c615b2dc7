// Package jobs is btsplan's job queue: background work kept in PostgreSQL
// with River (github.com/riverqueue/river, pgx v5 driver), so that any
// number of workers share it (inside serve, and as btsplan worker), a
// queued job survives a restart, a dead worker's job runs again, and a job
// reports progress and can be cancelled. It implements planning.Jobs.
//
// # Schema
//
// River's tables (river_job, river_leader, river_queue, …) are created by
// River's own migrations, which data.Migrate applies after ours, in the
// schema our tables are in (current_schema()). New names that schema to
// River too, so that River's SQL and its LISTEN/NOTIFY channels are
// qualified by it: two schemas of one database (the tests' throwaway
// ones) never hear each other's jobs.
//
// # Jobs
//
// The proposal-coverage job (kind planning.JobKindProposalCoverage, queue
// "coverage", args {"proposal_id": N}) computes a stored proposal's
// coverage with planning.CoverageService.ProposalCoverage. It is unique
// per proposal while queued, running or retrying: queueing it again
// returns the job that is there. data.ProposalStore queues it inside the
// proposal's own transaction (InsertProposalCoverageTx through
// ProposalStore.AfterCreate), so a stored proposal never lacks its job and
// a rolled-back one never has one. An Unavailable error (the database or
// the DEM store away, a cancelled context) is retried with River's
// backoff, attempt⁴ seconds, up to MaxAttempts; an Invalid or NotFound one
// (a site that cannot be computed, a proposal gone) is final: the job is
// cancelled with the reason, which is logged and kept in the job's errors.
//
// The gap-analysis job (kind planning.JobKindGapAnalysis, queue "gaps",
// args {"analysis_id": N}) runs planning.GapService.Run: the existing
// sites' coverages (through the same CoverageService and its cache), the
// village classification and the gap polygons. data.GapStore queues it in
// the transaction that stores the analysis (InsertGapAnalysisTx through
// GapStore.AfterCreate). It reports progress as coverages done of the
// sites' coverages + 1; a cancelled job marks the analysis cancelled, an
// Invalid or NotFound error failed; other errors are retried like the
// coverage job's. A Queue works the gaps queue only when Config.Gaps is
// set.
//
// The webhook-delivery job (kind planning.JobKindWebhookDelivery, queue
// "webhooks", args {"delivery_id": N}) posts one stored notification to
// one webhook, signed with planning.SignWebhook, and records the attempt.
// data.CaseStore stores the deliveries of a change of state and queues
// their jobs in the change's own transaction (InsertDeliveriesTx through
// CaseStore.OnNotice). A non-2xx answer or no answer is retried with
// River's backoff up to MaxAttempts, then the delivery is failed. Unless
// Config.WebhookAllowPrivate, the dialer refuses every address that is
// not public, after resolution; redirects are never followed.
//
// The expiry job (kind planning.JobKindExpireApprovals, queue "expiry")
// is periodic: the elected leader queues it every Config.ExpiryInterval
// and at start, and it runs planning.Expiry.Run.
//
// A worker that dies leaves its job "running"; River's rescuer, on the
// elected leader among the clients, makes it retryable once it has run
// longer than Config.RescueAfter (and its timeout), and it runs again. A
// worker stopped by Stop has its jobs' contexts cancelled: they fail with
// Unavailable and are retried, by this or another worker.
//
// # Progress
//
// River has no progress field. A running job writes its progress, at most
// once a second, as the job's output through River's JobUpdate: the
// metadata key "output" of river_job holds {"progress": {"done": D,
// "total": T}}, and the finished job's output adds its result (for a
// coverage, {"coverage_id", "area_km2", "cached"}). Job reads it back.
//
// jobs may import planning, geo, pgx and River; it must never import api
// or gin, and no River or pgx type crosses its exported API except the
// pgx.Tx of InsertProposalCoverageTx, InsertGapAnalysisTx and
// InsertDeliveriesTx, which only data's stores call.
package jobs
