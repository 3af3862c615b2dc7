package data

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"btsplan/planning"
)

// afterCreateFunc queues the job of a row just inserted in tx and returns
// the job's ID (jobs.Queue's Insert…Tx methods).
type afterCreateFunc func(ctx context.Context, tx pgx.Tx, id int64) (jobID int64, err error)

// insertQueued stores a row that a job computes (a gap analysis, a site
// search) in one transaction: insert (with args, returning id and
// created_at), then, through afterCreate when set, its job, whose ID
// setJob ($1 row, $2 job) records. Errors: Unavailable, and those of
// afterCreate.
func (d *DB) insertQueued(ctx context.Context, op, insert string, args []any, setJob string, afterCreate afterCreateFunc) (id int64, created time.Time, jobID int64, err error) {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return 0, created, 0, opError(op, translate(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := d.queryRow(ctx, tx, insert, args, &id, &created); err != nil {
		return 0, created, 0, opError(op, err)
	}
	if afterCreate != nil {
		qctx, cancel := d.query(ctx)
		jobID, err = afterCreate(qctx, tx, id)
		cancel()
		if err != nil {
			return 0, created, 0, fmt.Errorf("%s: %w", op, err)
		}
		if err := d.exec(ctx, tx, setJob, id, jobID); err != nil {
			return 0, created, 0, opError(op, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, created, 0, opError(op, translate(err))
	}
	return id, created, jobID, nil
}

// setQueuedState runs setState ($1 row, $2 state, $3 reason, returning
// the row's id; no row when it is done already). Errors: NotFound (or
// done), Unavailable.
func (d *DB) setQueuedState(ctx context.Context, op, setState string, id int64, state planning.JobState, reason string) error {
	qctx, cancel := d.query(ctx)
	defer cancel()
	var got int64
	if err := d.pool.QueryRow(qctx, setState, id, string(state), reason).Scan(&got); err != nil {
		return opError(op, translate(err))
	}
	return nil
}

// queued is what every row a job computes keeps of its job.
type queued struct {
	ID, JobID int64
	State     planning.JobState
	Error     string
	CreatedAt time.Time
	DoneAt    time.Time // zero until final
}

// queuedRow reads row id with query, whose columns are id, job_id, params,
// state, counts, error, created_at and done_at, decoding params and counts
// (jsonb) into the values given. Errors: NotFound, Unavailable.
func (d *DB) queuedRow(ctx context.Context, op, query string, id int64, params, counts any) (queued, error) {
	qctx, cancel := d.query(ctx)
	defer cancel()
	var q queued
	var p, c []byte
	var state string
	var done *time.Time
	if err := d.pool.QueryRow(qctx, query, id).Scan(&q.ID, &q.JobID, &p, &state, &c, &q.Error, &q.CreatedAt, &done); err != nil {
		return q, opError(op, translate(err))
	}
	q.State = planning.JobState(state)
	if done != nil {
		q.DoneAt = *done
	}
	if err := unmarshalBoth(p, c, params, counts); err != nil {
		return q, fmt.Errorf("%s: %w", op, err)
	}
	return q, nil
}

// queuedRows reads the rows of query (args), whose columns are those of
// queuedRow followed by the count of all rows, calling add with each row
// and its params and counts (jsonb, raw); it returns the count of all.
// Errors: Unavailable.
func (d *DB) queuedRows(ctx context.Context, op, query string, args []any, add func(q queued, params, counts []byte) error) (int, error) {
	qctx, cancel := d.query(ctx)
	defer cancel()
	rows, err := d.pool.Query(qctx, query, args...)
	if err != nil {
		return 0, opError(op, translate(err))
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var q queued
		var p, c []byte
		var state string
		var done *time.Time
		if err := rows.Scan(&q.ID, &q.JobID, &p, &state, &c, &q.Error, &q.CreatedAt, &done, &total); err != nil {
			return 0, opError(op, translate(err))
		}
		q.State = planning.JobState(state)
		if done != nil {
			q.DoneAt = *done
		}
		if err := add(q, p, c); err != nil {
			return 0, fmt.Errorf("%s: row %d: %w", op, q.ID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, opError(op, translate(err))
	}
	return total, nil
}

// unmarshalBoth decodes params and counts (jsonb) into pv and cv.
func unmarshalBoth(params, counts []byte, pv, cv any) error {
	if err := json.Unmarshal(params, pv); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	if err := json.Unmarshal(counts, cv); err != nil {
		return fmt.Errorf("counts: %w", err)
	}
	return nil
}
