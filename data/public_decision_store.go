package data

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/public_decisions.sql
	qPublicDecisions string
	//go:embed sql/public_decision.sql
	qPublicDecision string
)

var _ planning.PublicDecisionStore = (*CaseStore)(nil)

// PublicDecisions returns the decisions f selects of cases now decided,
// newest first, with their conditions. Errors: Unavailable.
func (s *CaseStore) PublicDecisions(ctx context.Context, f planning.DecisionFilter) ([]planning.PublicDecision, error) {
	const op = "public decisions"
	var box [4]*float64
	if b := f.BBox; b != nil {
		box = [4]*float64{&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]}
	}
	var state *string
	if f.State != "" {
		v := string(f.State)
		state = &v
	}
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qPublicDecisions, box[0], box[1], box[2], box[3], state, nullTime(f.Since),
		f.Limit, f.Offset, geo.SRIDWGS84)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	out, err := pgx.CollectRows(rows, scanPublicDecision)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	if err := s.publicConditions(qctx, out); err != nil {
		return nil, opError(op, err)
	}
	return out, nil
}

// PublicDecision returns decision id if its case is decided now. Errors:
// NotFound, Unavailable.
func (s *CaseStore) PublicDecision(ctx context.Context, id int64) (planning.PublicDecision, error) {
	op := fmt.Sprintf("public decision %d", id)
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qPublicDecision, id)
	if err != nil {
		return planning.PublicDecision{}, opError(op, translate(err))
	}
	pd, err := pgx.CollectExactlyOneRow(rows, scanPublicDecision)
	if err != nil {
		return planning.PublicDecision{}, opError(op, translate(err))
	}
	out := []planning.PublicDecision{pd}
	if err := s.publicConditions(qctx, out); err != nil {
		return planning.PublicDecision{}, opError(op, err)
	}
	return out[0], nil
}

func scanPublicDecision(r pgx.CollectableRow) (planning.PublicDecision, error) {
	var pd planning.PublicDecision
	d, c := &pd.Decision, &pd.Case
	var outcome, state string
	var valid *time.Time
	var version, revision int32
	var wkb []byte
	if err := r.Scan(&d.ID, &d.CaseID, &d.ProposalID, &d.AssessmentID, &outcome, &d.Authority, &valid, &d.Signed,
		&c.Carrier, &c.SiteCode, &c.Province, &state, &version, &revision, &wkb); err != nil {
		return pd, err
	}
	d.Outcome, c.State, c.ID, c.Version, c.Revision, c.ProposalID = planning.CaseState(outcome), planning.CaseState(state),
		d.CaseID, int(version), int(revision), d.ProposalID
	if valid != nil {
		d.ValidUntil = vietnamDate(*valid)
	}
	g, err := orbOf(wkb)
	if err != nil {
		return pd, err
	}
	if p, ok := g.(orb.Point); ok {
		pd.Location = p
	}
	return pd, nil
}

// publicConditions reads the conditions of the decisions in ds, without
// their notes, their evidence and who changed them.
func (s *CaseStore) publicConditions(ctx context.Context, ds []planning.PublicDecision) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.Decision.ID
	}
	conds, err := s.conditionsOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range ds {
		d := &ds[i].Decision
		for _, cd := range conds[d.ID] {
			// The review's notes and the carrier's evidence (a document)
			// are not public.
			cd.Note, cd.StatusNote, cd.EvidenceNote = "", "", ""
			cd.ChangedBy, cd.EvidenceID = 0, 0
			d.Conditions = append(d.Conditions, cd)
		}
	}
	return nil
}
