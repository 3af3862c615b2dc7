package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"btsplan/planning"
)

var (
	//go:embed sql/case.sql
	qCase string
	//go:embed sql/cases.sql
	qCases string
	//go:embed sql/case_by_site.sql
	qCaseBySite string
	//go:embed sql/case_pauses.sql
	qCasePauses string
	//go:embed sql/case_insert.sql
	qCaseInsert string
	//go:embed sql/case_update.sql
	qCaseUpdate string
	//go:embed sql/proposal_set_case.sql
	qProposalSetCase string
	//go:embed sql/case_pause_open.sql
	qCasePauseOpen string
	//go:embed sql/case_pause_close.sql
	qCasePauseClose string
	//go:embed sql/case_event_insert.sql
	qCaseEventInsert string
	//go:embed sql/audit_insert.sql
	qAuditInsert string
	//go:embed sql/required_signatures_insert.sql
	qRequiredSignaturesInsert string
	//go:embed sql/required_signatures.sql
	qRequiredSignatures string
	//go:embed sql/signature_insert.sql
	qSignatureInsert string
	//go:embed sql/signatures.sql
	qSignatures string
	//go:embed sql/decision_insert.sql
	qDecisionInsert string
	//go:embed sql/condition_insert.sql
	qConditionInsert string
	//go:embed sql/decisions.sql
	qDecisions string
	//go:embed sql/decision_conditions.sql
	qDecisionConditions string
	//go:embed sql/condition_update.sql
	qConditionUpdate string
	//go:embed sql/idempotency.sql
	qIdempotency string
	//go:embed sql/idempotency_insert.sql
	qIdempotencyInsert string
)

// CaseStore stores review cases; it implements planning.CaseStore. Every
// change of a case is one transaction holding the case's new state, its
// history, what the change records and its audit rows: both or neither.
type CaseStore struct {
	db    *DB
	props *ProposalStore
	// notify queues the jobs of a change's webhook deliveries in its
	// transaction; nil: no deliveries are stored.
	notify func(ctx context.Context, tx pgx.Tx, deliveryIDs []int64) error
}

var _ planning.CaseStore = (*CaseStore)(nil)

// NewCaseStore returns a CaseStore on db.
func NewCaseStore(db *DB) *CaseStore { return &CaseStore{db: db, props: NewProposalStore(db)} }

// AfterCreate makes Submit call f inside its transaction for every new
// proposal revision, as ProposalStore.AfterCreate does (the coverage job).
func (s *CaseStore) AfterCreate(f func(ctx context.Context, tx pgx.Tx, proposalID int64) error) {
	s.props.AfterCreate(f)
}

// OnNotice makes every change of a case's state (planning's
// CaseChange.Notice and NewSubmission.Notice) store one delivery per
// webhook concerned and call f with their ids, inside the change's
// transaction, so that f queues their jobs (jobs.Queue.InsertDeliveriesTx)
// to commit or roll back with the change. Call it before the store is used.
func (s *CaseStore) OnNotice(f func(ctx context.Context, tx pgx.Tx, deliveryIDs []int64) error) {
	s.notify = f
}

// Submit stores a new revision and the case's move (see
// planning.NewSubmission) in one transaction. Errors: Stale when the case
// changed (or was created) since it was read; Exists (a *planning.DuplicateError)
// for content submitted before; those of ProposalStore.CreateProposal.
func (s *CaseStore) Submit(ctx context.Context, sub *planning.NewSubmission) error {
	const op = "submit case"
	if err := checkProposal(sub.Proposal, sub.Assessment, sub.ContentHash); err != nil {
		return opError(op, err)
	}
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return opError(op, translate(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := s.submit(ctx, tx, sub); err != nil {
		return opError(op, err)
	}
	if sub.ReplayOf != 0 {
		return nil // nothing stored: the transaction rolls back
	}
	if err := translate(tx.Commit(ctx)); err != nil {
		return opError(op, err)
	}
	s.props.ruleSets.Store(sub.Assessment.RuleSetVersion, true)
	return nil
}

func (s *CaseStore) submit(ctx context.Context, tx pgx.Tx, sub *planning.NewSubmission) error {
	c, p, a := sub.Case, sub.Proposal, sub.Assessment
	// The first round trip, with insertRevision's own: the same lock as
	// insertRevision's (advisory locks are re-entrant), so that one
	// submission of a site runs at a time and the case read, the
	// idempotency key and the revision number agree; the key; a new case.
	head := &pgx.Batch{}
	head.Queue(qLockName, "proposal:"+c.Carrier+"/"+c.SiteCode)
	if k := sub.Idempotency; k != nil {
		head.Queue(qLockName, "idempotency:"+k.Org+"/"+k.Key)
		head.Queue(qIdempotency, k.Org, k.Key).QueryRow(func(r pgx.Row) error {
			var hash string
			var id int64
			err := translate(r.Scan(&hash, &id))
			switch {
			case err == nil && hash == k.RequestHash:
				sub.ReplayOf = id
				return errReplay
			case err == nil:
				return planning.FieldError("Idempotency-Key", "this key was used for a different request")
			case planning.KindOf(err) != planning.NotFound:
				return err
			}
			return nil
		})
	}
	now := c.Updated
	if c.ID == 0 {
		head.Queue(qCaseInsert, c.Carrier, c.SiteCode, c.Province, string(c.State), c.Stations,
			c.Clock.WorkingDays, nullTime(c.Clock.Started), nullTime(c.Clock.Stopped), nullTime(c.Due), now).
			QueryRow(func(r pgx.Row) error {
				var v int32
				err := translate(r.Scan(&c.ID, &v))
				c.Version = int(v)
				if planning.KindOf(err) == planning.Exists {
					return planning.Errorf(planning.Stale, "the case of %s/%s was created meanwhile; submit again", c.Carrier, c.SiteCode)
				}
				return err
			})
	}
	// The last round trip, with the revision's findings: the case's new
	// state, its link to the proposal, the signatures the decision needs,
	// the history and the key.
	tail := func(b *pgx.Batch) error {
		c.ProposalID, c.Revision = p.ID, p.Revision
		want := sub.WantVersion
		if sub.Events[0].Event == planning.EventSubmit {
			want = c.Version // the row inserted above
		}
		s.update(b, c, want)
		b.Queue(qProposalSetCase, p.ID, c.ID)
		if len(sub.Required) > 0 {
			b.Queue(qRequiredSignaturesInsert, a.ID, sub.Required)
		}
		for i := range sub.Events {
			sub.Events[i].ProposalID = p.ID
		}
		for i := range sub.Audit {
			sub.Audit[i].CaseID, sub.Audit[i].ProposalID = c.ID, p.ID
		}
		if err := s.history(b, c.ID, sub.Events, sub.Audit); err != nil {
			return err
		}
		if k := sub.Idempotency; k != nil {
			b.Queue(qIdempotencyInsert, k.Org, k.Key, k.RequestHash, p.ID)
		}
		return nil
	}
	err := s.props.insertRevision(ctx, tx, p, a, sub.ContentHash, head, tail)
	if errors.Is(err, errReplay) {
		return nil
	}
	if err != nil {
		return err
	}
	return queueNotice(ctx, s.db, tx, c, sub.Notice, s.notify)
}

// errReplay stops a submission's first round trip when its idempotency
// key names an earlier one with the same request (sub.ReplayOf).
var errReplay = errors.New("replay of an earlier submission")

// update queues the write of c's state if the stored version is still
// want, which sets c.Version to the new one. Errors: Stale.
func (s *CaseStore) update(b *pgx.Batch, c *planning.Case, want int) {
	var pid *int64
	if c.ProposalID != 0 {
		pid = &c.ProposalID
	}
	b.Queue(qCaseUpdate, c.ID, want, c.Province, string(c.State), pid, c.Stations,
		c.Clock.WorkingDays, nullTime(c.Clock.Started), nullTime(c.Clock.Stopped), nullTime(c.Due), c.Updated).
		QueryRow(func(r pgx.Row) error {
			var v int32
			err := translate(r.Scan(&v))
			if planning.KindOf(err) == planning.NotFound {
				return planning.Errorf(planning.Stale, "case %d changed since version %d", c.ID, want)
			}
			if err != nil {
				return err
			}
			c.Version = int(v)
			return nil
		})
}

// history queues the case's events and the audit rows.
func (s *CaseStore) history(b *pgx.Batch, caseID int64, events []planning.CaseEventRecord, audit []planning.AuditEntry) error {
	for _, e := range events {
		b.Queue(qCaseEventInsert, caseID, e.At, string(e.Event), string(e.From), string(e.To),
			nullID(e.UserID), e.Actor, nullID(e.ProposalID), e.Note)
	}
	return queueAudit(b, audit)
}

// insertAudit appends audit rows in tx (audit_event refuses UPDATE and
// DELETE): the change they record commits with them or not at all.
func (d *DB) insertAudit(ctx context.Context, tx pgx.Tx, audit []planning.AuditEntry) error {
	b := &pgx.Batch{}
	if err := queueAudit(b, audit); err != nil {
		return err
	}
	return d.send(ctx, tx, b)
}

// queueAudit queues audit rows.
func queueAudit(b *pgx.Batch, audit []planning.AuditEntry) error {
	for _, a := range audit {
		details := a.Details
		if details == nil {
			details = map[string]string{}
		}
		payload, err := json.Marshal(details)
		if err != nil {
			return err
		}
		b.Queue(qAuditInsert, a.At, a.Actor, a.Action, nullID(a.ProposalID), payload,
			nullID(a.UserID), a.Org, a.RequestID, nullID(a.CaseID), string(a.StateBefore), string(a.StateAfter))
	}
	return nil
}

// Change stores ch (see planning.CaseChange) in one transaction. Errors:
// Stale when the case is no longer at ch.WantVersion; Exists for a second
// signature of one authority; Invalid for values the schema refuses;
// Unavailable.
func (s *CaseStore) Change(ctx context.Context, ch *planning.CaseChange) error {
	op := fmt.Sprintf("change case %d", ch.Case.ID)
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		c := ch.Case
		b := &pgx.Batch{}
		s.update(b, c, ch.WantVersion)
		if err := s.db.send(ctx, tx, b); err != nil {
			return err
		}
		if !ch.OpenPause.IsZero() {
			if err := s.db.exec(ctx, tx, qCasePauseOpen, c.ID, ch.OpenPause); err != nil {
				return err
			}
		}
		if !ch.ClosePause.IsZero() {
			if err := s.db.exec(ctx, tx, qCasePauseClose, c.ID, ch.ClosePause); err != nil {
				return err
			}
		}
		if sg := ch.Signature; sg != nil {
			if err := s.db.queryRow(ctx, tx, qSignatureInsert, []any{c.ID, sg.AssessmentID, sg.Authority, sg.Consent,
				sg.UserID, sg.Note, sg.Signed}, &sg.ID); err != nil {
				return err
			}
		}
		if d := ch.Decision; d != nil {
			if err := s.insertDecision(ctx, tx, d); err != nil {
				return err
			}
		}
		if k := ch.Condition; k != nil {
			var id int64
			if err := s.db.queryRow(ctx, tx, qConditionUpdate, []any{k.ID, string(k.Status), nullID(k.ChangedBy),
				nullTime(k.ChangedAt), k.StatusNote, nullID(k.EvidenceID), k.EvidenceNote}, &id); err != nil {
				return err
			}
		}
		b = &pgx.Batch{}
		if err := s.history(b, c.ID, ch.Events, ch.Audit); err != nil {
			return err
		}
		if err := s.db.send(ctx, tx, b); err != nil {
			return err
		}
		return queueNotice(ctx, s.db, tx, c, ch.Notice, s.notify)
	})
	if err != nil {
		return opError(op, translate(err))
	}
	return nil
}

func (s *CaseStore) insertDecision(ctx context.Context, tx pgx.Tx, d *planning.Decision) error {
	var valid *time.Time
	if !d.ValidUntil.IsZero() {
		v := dateUTC(d.ValidUntil)
		valid = &v
	}
	if err := s.db.queryRow(ctx, tx, qDecisionInsert, []any{d.CaseID, d.ProposalID, nullID(d.AssessmentID), string(d.Outcome),
		d.Authority, nullID(d.UserID), d.Reviewer, d.Note, valid, d.Signed}, &d.ID); err != nil {
		return err
	}
	for i := range d.Conditions {
		cd := &d.Conditions[i]
		params := cd.Params
		if params == nil {
			params = map[string]string{}
		}
		b, err := json.Marshal(params)
		if err != nil {
			return err
		}
		if err := s.db.queryRow(ctx, tx, qConditionInsert, []any{d.ID, i, string(cd.Type), b, string(cd.Status), cd.Note}, &cd.ID); err != nil {
			return err
		}
	}
	return nil
}

// Case returns case id with its clock. Errors: NotFound, Unavailable.
func (s *CaseStore) Case(ctx context.Context, id int64) (planning.Case, error) {
	return s.readCase(ctx, fmt.Sprintf("case %d", id), qCase, id)
}

// CaseBySite returns the case of carrier's siteCode. Errors: NotFound, Unavailable.
func (s *CaseStore) CaseBySite(ctx context.Context, carrier, siteCode string) (planning.Case, error) {
	return s.readCase(ctx, fmt.Sprintf("case of %s/%s", carrier, siteCode), qCaseBySite, carrier, siteCode)
}

// Cases returns the cases f selects, oldest first, each with its clock.
// Errors: Unavailable.
func (s *CaseStore) Cases(ctx context.Context, f planning.CaseFilter) ([]planning.Case, error) {
	const op = "list cases"
	null := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	qctx, cancel := s.db.query(ctx)
	rows, err := s.db.pool.Query(qctx, qCases, string(f.State), f.Overdue, f.Today.Format("2006-01-02"),
		f.All, null(f.Carrier), null(f.Province), f.Public, f.Limit, f.Offset)
	if err != nil {
		cancel()
		return nil, opError(op, translate(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	cancel()
	if err != nil {
		return nil, opError(op, translate(err))
	}
	out := make([]planning.Case, 0, len(ids))
	for _, id := range ids {
		c, err := s.Case(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *CaseStore) readCase(ctx context.Context, op, sql string, args ...any) (planning.Case, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var c planning.Case
	var state string
	var version, revision, stations, days int32
	var started, stopped, due *time.Time
	err := s.db.pool.QueryRow(ctx, sql, args...).Scan(&c.ID, &c.Carrier, &c.SiteCode, &c.Province, &state, &version,
		&c.ProposalID, &revision, &stations, &days, &started, &stopped, &due, &c.Created, &c.Updated)
	if err != nil {
		return c, opError(op, translate(err))
	}
	c.State, c.Version, c.Revision, c.Stations = planning.CaseState(state), int(version), int(revision), int(stations)
	c.Clock.WorkingDays = int(days)
	if started != nil {
		c.Clock.Started = *started
		rows, err := s.db.pool.Query(ctx, qCasePauses, c.ID, *started)
		if err != nil {
			return c, opError(op, translate(err))
		}
		c.Clock.Pauses, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Pause, error) {
			var p planning.Pause
			var until *time.Time
			err := r.Scan(&p.From, &until)
			if until != nil {
				p.Until = *until
			}
			return p, err
		})
		if err != nil {
			return c, opError(op, translate(err))
		}
	}
	if stopped != nil {
		c.Clock.Stopped = *stopped
	}
	if due != nil {
		c.Due = vietnamDate(*due)
	}
	return c, nil
}

// RequiredSignatures returns the authorities that must sign assessment id.
// Errors: Unavailable.
func (s *CaseStore) RequiredSignatures(ctx context.Context, assessmentID int64) ([]string, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qRequiredSignatures, assessmentID)
	if err != nil {
		return nil, opError("required signatures", translate(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, opError("required signatures", translate(err))
	}
	return out, nil
}

// Signatures returns the signatures of assessment id, oldest first.
// Errors: Unavailable.
func (s *CaseStore) Signatures(ctx context.Context, assessmentID int64) ([]planning.Signature, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qSignatures, assessmentID)
	if err != nil {
		return nil, opError("signatures", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Signature, error) {
		var sg planning.Signature
		err := r.Scan(&sg.ID, &sg.CaseID, &sg.AssessmentID, &sg.Authority, &sg.Consent, &sg.UserID, &sg.Signer, &sg.Note, &sg.Signed)
		return sg, err
	})
	if err != nil {
		return nil, opError("signatures", translate(err))
	}
	return out, nil
}

// Decisions returns the decisions of case id with their conditions, oldest
// first. Errors: Unavailable.
func (s *CaseStore) Decisions(ctx context.Context, caseID int64) ([]planning.Decision, error) {
	const op = "decisions"
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qDecisions, caseID)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Decision, error) {
		var d planning.Decision
		var outcome string
		var valid *time.Time
		err := r.Scan(&d.ID, &d.CaseID, &d.ProposalID, &d.AssessmentID, &outcome, &d.Authority, &d.UserID,
			&d.Reviewer, &d.Note, &valid, &d.Signed)
		d.Outcome = planning.CaseState(outcome)
		if valid != nil {
			d.ValidUntil = vietnamDate(*valid)
		}
		return d, err
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	if len(ds) == 0 {
		return ds, nil
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	conds, err := s.conditionsOf(ctx, ids)
	if err != nil {
		return nil, opError(op, err)
	}
	for i := range ds {
		ds[i].Conditions = conds[ds[i].ID]
	}
	return ds, nil
}

// conditionsOf reads the conditions of decisions ids, in order, by decision.
func (s *CaseStore) conditionsOf(ctx context.Context, ids []int64) (map[int64][]planning.Condition, error) {
	rows, err := s.db.pool.Query(ctx, qDecisionConditions, ids)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := map[int64][]planning.Condition{}
	for rows.Next() {
		var did int64
		var cd planning.Condition
		var typ, status string
		var params []byte
		var changed *time.Time
		if err := rows.Scan(&did, &cd.ID, &typ, &params, &status, &cd.Note, &cd.ChangedBy, &changed,
			&cd.StatusNote, &cd.EvidenceID, &cd.EvidenceNote); err != nil {
			return nil, translate(err)
		}
		cd.Type, cd.Status = planning.ConditionType(typ), planning.ConditionStatus(status)
		if err := json.Unmarshal(params, &cd.Params); err != nil {
			return nil, err
		}
		if changed != nil {
			cd.ChangedAt = *changed
		}
		out[did] = append(out[did], cd)
	}
	return out, translate(rows.Err())
}

// Idempotent returns the request hash and proposal stored under an
// organization's key. Errors: NotFound, Unavailable.
func (s *CaseStore) Idempotent(ctx context.Context, org, key string) (string, int64, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var hash string
	var id int64
	if err := s.db.pool.QueryRow(ctx, qIdempotency, org, key).Scan(&hash, &id); err != nil {
		return "", 0, opError("idempotency key", translate(err))
	}
	return hash, id, nil
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// dateUTC is the calendar day of t in Vietnam as the UTC midnight that
// pgx writes to a date column unchanged.
func dateUTC(t time.Time) time.Time {
	y, m, d := t.In(planning.Vietnam()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// vietnamDate turns a date read from PostgreSQL (UTC midnight) into
// midnight in Vietnam, as planning's dates are.
func vietnamDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, planning.Vietnam())
}
