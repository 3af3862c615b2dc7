package data

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/proposal_duplicate.sql
	qProposalDuplicate string
	//go:embed sql/organization_kind.sql
	qOrganizationKind string
	//go:embed sql/proposal_insert.sql
	qProposalInsert string
	//go:embed sql/antennas_insert.sql
	qAntennasInsert string
	//go:embed sql/assessment_insert.sql
	qAssessmentInsert string
	//go:embed sql/assessment_layers_insert.sql
	qAssessmentLayersInsert string
	//go:embed sql/finding_insert.sql
	qFindingInsert string
	//go:embed sql/proposal.sql
	qProposal string
	//go:embed sql/proposals.sql
	qProposals string
	//go:embed sql/assessment_latest.sql
	qAssessmentLatest string
	//go:embed sql/assessments.sql
	qAssessments string
	//go:embed sql/proposal_set_verdict.sql
	qProposalSetVerdict string
	//go:embed sql/coverage_carry.sql
	qCoverageCarry string
	//go:embed sql/findings.sql
	qFindings string
	//go:embed sql/rule_set_files_insert.sql
	qRuleSetFilesInsert string
	//go:embed sql/rule_set_files.sql
	qRuleSetFiles string
)

// ProposalStore stores proposals with their assessments and findings; it
// implements planning.ProposalStore.
type ProposalStore struct {
	db          *DB
	afterCreate func(ctx context.Context, tx pgx.Tx, proposalID int64) error
	ruleSets    sync.Map // rule set version → true once its text is committed
}

var _ planning.ProposalStore = (*ProposalStore)(nil)

// NewProposalStore returns a ProposalStore on db.
func NewProposalStore(db *DB) *ProposalStore { return &ProposalStore{db: db} }

// AfterCreate makes CreateProposal call f inside its transaction, once
// the proposal and its assessment are stored and before the commit, so
// that what f queues (data/jobs queues the proposal's coverage) commits or
// rolls back with the proposal; an error from f fails the submission. It
// is called for the proposals whose coverage planning.QueuesCoverage asks
// for. Call it before the store is used.
func (s *ProposalStore) AfterCreate(f func(ctx context.Context, tx pgx.Tx, proposalID int64) error) {
	s.afterCreate = f
}

// CreateProposal stores p as the next revision of (carrier, site code)
// together with its assessment a and a's findings (with their conflict
// geometries), in one transaction. It fills in p.ID, p.Revision,
// p.Verdict (a's), p.Status (submitted when empty) and the timestamps, and
// a.ID, a.ProposalID, a.Revision and a.CreatedAt. a.LayerVersions must
// name stored layer versions: the assessment keeps them from being deleted.
// Errors: Exists (a *planning.DuplicateError naming the stored proposal) when the
// same carrier and site code were submitted with contentHash already;
// Invalid for an unknown carrier, layer version or authority and for
// values the schema refuses; Unavailable.
func (s *ProposalStore) CreateProposal(ctx context.Context, p *planning.Proposal, a *planning.Assessment, contentHash string) error {
	const op = "create proposal"
	if err := checkProposal(p, a, contentHash); err != nil {
		return opError(op, err)
	}
	if err := s.createProposal(ctx, p, a, contentHash); err != nil {
		return opError(op, err)
	}
	return nil
}

// checkProposal returns an Invalid error naming the first part of the
// assessment record the schema would refuse, with a clearer message than
// the constraint's. The site itself is planning's to check (ValidateSite,
// before any store is asked); the schema's constraints stay behind it.
func checkProposal(p *planning.Proposal, a *planning.Assessment, contentHash string) error {
	switch {
	case p == nil || a == nil:
		return planning.Errorf(planning.Invalid, "a proposal needs its assessment")
	case contentHash == "":
		return planning.FieldError("content_hash", "the content hash is empty")
	case a.RuleSetVersion == "":
		return planning.FieldError("rule_set_version", "the assessment names no rule-set version")
	}
	switch a.Verdict {
	case planning.Approve, planning.Conditional, planning.Conflict:
	default:
		return planning.FieldError("verdict", "%q is not a verdict", a.Verdict)
	}
	switch p.Status {
	case "", planning.StatusSubmitted, planning.StatusApproved, planning.StatusRejected, planning.StatusWithdrawn:
	default:
		return planning.FieldError("/status", "%q is not a status", p.Status)
	}
	for i, f := range a.Findings {
		switch f.Severity {
		case planning.SeverityConflict, planning.SeverityCondition, planning.SeverityInfo:
		default:
			return planning.FieldError(fmt.Sprintf("findings/%d/severity", i), "%q is not a severity", f.Severity)
		}
		if f.RuleID == "" {
			return planning.FieldError(fmt.Sprintf("findings/%d/rule_id", i), "the finding names no rule")
		}
	}
	return nil
}

func (s *ProposalStore) createProposal(ctx context.Context, p *planning.Proposal, a *planning.Assessment, contentHash string) error {
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := s.insertRevision(ctx, tx, p, a, contentHash, nil, nil); err != nil {
		return err
	}
	if err := translate(tx.Commit(ctx)); err != nil {
		return err
	}
	s.ruleSets.Store(a.RuleSetVersion, true)
	return nil
}

// insertRevision stores p as the next revision of (carrier, site code)
// with its assessment, findings and rule set text, in tx, in three round
// trips (pgx batches): the lock, the checks and the proposal; its antennas
// and the assessment; the layer versions, the findings and the rule set.
// head, when not nil, holds the caller's statements to send first, in the
// first round trip; tail, when not nil, queues the caller's statements
// that need the stored IDs into the last one. The statements of a batch
// run in order, and the first error is the one returned: a failed check
// leaves what followed it to the transaction's rollback.
func (s *ProposalStore) insertRevision(ctx context.Context, tx pgx.Tx, p *planning.Proposal, a *planning.Assessment, contentHash string,
	head *pgx.Batch, tail func(*pgx.Batch) error) error {
	site := p.Site
	loc, err := ewkbOf(site.Location)
	if err != nil {
		return err
	}
	var fp []byte
	if len(site.Footprint) > 0 {
		if fp, err = ewkbOf(site.Footprint); err != nil {
			return err
		}
	}
	status := p.Status
	if status == "" {
		status = planning.StatusSubmitted
	}

	b := head
	if b == nil {
		b = &pgx.Batch{}
	}
	// Revisions of one site are numbered in one transaction at a time.
	b.Queue(qLockName, "proposal:"+site.Carrier+"/"+site.Code)
	b.Queue(qProposalDuplicate, site.Carrier, site.Code, contentHash).QueryRow(func(r pgx.Row) error {
		var existing int64
		err := translate(r.Scan(&existing))
		switch {
		case err == nil:
			return &planning.Error{Kind: planning.Exists, Err: &planning.DuplicateError{ProposalID: existing}}
		case planning.KindOf(err) != planning.NotFound:
			return err
		}
		return nil
	})
	b.Queue(qOrganizationKind, site.Carrier).QueryRow(func(r pgx.Row) error {
		var kind string
		err := translate(r.Scan(&kind))
		switch {
		case planning.KindOf(err) == planning.NotFound || err == nil && kind != "carrier":
			return planning.FieldError("/carrier", "%q is not a carrier's code", site.Carrier)
		case err != nil:
			return err
		}
		return nil
	})
	var revision int32
	b.Queue(qProposalInsert, site.Carrier, site.Code, loc, fp, string(site.Structure), site.HeightM, string(status),
		p.AdminUnit, p.Province, string(a.Verdict), contentHash).QueryRow(func(r pgx.Row) error {
		return r.Scan(&p.ID, &revision, &p.CreatedAt, &p.UpdatedAt)
	})
	if err := s.db.send(ctx, tx, b); err != nil {
		return err
	}
	p.Revision, p.Status, p.Verdict = int(revision), status, a.Verdict

	b = &pgx.Batch{}
	if n := len(site.Antennas); n > 0 {
		az, tilt, band, eirp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		tech := make([]string, n)
		for i, an := range site.Antennas {
			az[i], tilt[i], band[i], eirp[i], tech[i] = an.AzimuthDeg, an.TiltDeg, an.BandMHz, an.EIRPdBm, an.Technology
		}
		b.Queue(qAntennasInsert, p.ID, az, tilt, band, eirp, tech)
	}
	a.ProposalID, a.Revision = p.ID, p.Revision
	s.queueAssessment(b, a)
	if err := s.db.send(ctx, tx, b); err != nil {
		return err
	}

	b = &pgx.Batch{}
	if err := s.queueAssessmentParts(b, a); err != nil {
		return err
	}
	if tail != nil {
		if err := tail(b); err != nil {
			return err
		}
	}
	if err := s.db.send(ctx, tx, b); err != nil {
		return err
	}
	if s.afterCreate != nil && planning.QueuesCoverage(site) {
		qctx, cancel := s.db.query(ctx)
		err := s.afterCreate(qctx, tx, p.ID)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// queueAssessment queues the insert of assessment a of a stored proposal
// revision (its basis zoning unless set), which sets a.ID and a.CreatedAt.
func (s *ProposalStore) queueAssessment(b *pgx.Batch, a *planning.Assessment) {
	if a.Basis == "" {
		a.Basis = planning.BasisZoning
	}
	b.Queue(qAssessmentInsert, a.ProposalID, a.Revision, string(a.Verdict), a.RuleSetVersion, a.Province, a.AdminUnit, a.Basis).
		QueryRow(func(r pgx.Row) error { return r.Scan(&a.ID, &a.CreatedAt) })
}

// queueAssessmentParts queues what goes with stored assessment a: the
// layer versions it read, its findings and its rule set's text.
func (s *ProposalStore) queueAssessmentParts(b *pgx.Batch, a *planning.Assessment) error {
	s.linkLayers(b, a)
	if err := s.insertFindings(b, a); err != nil {
		return err
	}
	s.keepRuleSet(b, a)
	return nil
}

// AddAssessment stores a further assessment of proposal a.ProposalID (a
// re-evaluation) with the signatures its conditions require
// (planning.RequiredAuthorities) and the coverage of the same revision,
// and makes its verdict the proposal's, in one transaction (two round
// trips). Errors: NotFound for an unknown proposal, Unavailable.
func (s *ProposalStore) AddAssessment(ctx context.Context, a *planning.Assessment, audit ...planning.AuditEntry) error {
	op := fmt.Sprintf("add assessment of proposal %d", a.ProposalID)
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return opError(op, translate(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	b := &pgx.Batch{}
	b.Queue(qProposalSetVerdict, a.ProposalID, string(a.Verdict)).QueryRow(func(r pgx.Row) error {
		var id int64
		return translate(r.Scan(&id))
	})
	s.queueAssessment(b, a)
	if err := s.db.send(ctx, tx, b); err != nil {
		return opError(op, err)
	}
	b = &pgx.Batch{}
	if err := s.queueAssessmentParts(b, a); err != nil {
		return opError(op, err)
	}
	// The site is the same, so is its coverage: the reports and maps read
	// the latest assessment's.
	b.Queue(qCoverageCarry, a.ProposalID, a.ID, int32(a.Revision))
	// The review reads the latest assessment's required signatures: the
	// new one needs those of its own conditions (as a submission's does).
	if req := planning.RequiredAuthorities(*a); len(req) > 0 {
		b.Queue(qRequiredSignaturesInsert, a.ID, req)
	}
	for i := range audit {
		if audit[i].Details == nil {
			audit[i].Details = map[string]string{}
		}
		audit[i].Details["assessment_id"] = strconv.FormatInt(a.ID, 10)
	}
	if err := queueAudit(b, audit); err != nil {
		return opError(op, err)
	}
	if err := s.db.send(ctx, tx, b); err != nil {
		return opError(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return opError(op, translate(err))
	}
	s.ruleSets.Store(a.RuleSetVersion, true)
	return nil
}

// Assessments returns every assessment of proposal proposalID, newest
// first, without findings. Errors: Unavailable.
func (s *ProposalStore) Assessments(ctx context.Context, proposalID int64) ([]planning.Assessment, error) {
	op := fmt.Sprintf("assessments of proposal %d", proposalID)
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qAssessments, proposalID)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	as, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Assessment, error) {
		var a planning.Assessment
		var revision int32
		var verdict string
		err := r.Scan(&a.ID, &a.ProposalID, &revision, &verdict, &a.RuleSetVersion, &a.Province, &a.AdminUnit, &a.CreatedAt, &a.Basis)
		a.Revision, a.Verdict = int(revision), planning.Verdict(verdict)
		return a, err
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	return as, nil
}

// keepRuleSet queues the text of a's rule set, stored once per version;
// versions this process committed already are skipped.
func (s *ProposalStore) keepRuleSet(b *pgx.Batch, a *planning.Assessment) {
	if len(a.RuleSetFiles) == 0 {
		return
	}
	if _, ok := s.ruleSets.Load(a.RuleSetVersion); ok {
		return
	}
	names := make([]string, len(a.RuleSetFiles))
	bodies := make([]string, len(a.RuleSetFiles))
	for i, f := range a.RuleSetFiles {
		names[i], bodies[i] = f.Name, string(f.Data)
	}
	b.Queue(qRuleSetFilesInsert, a.RuleSetVersion, names, bodies)
}

// RuleSetFiles returns the text of rule set version, its files in order,
// as the assessments that used it read them. Errors: NotFound when no
// assessment stored that version's text; Unavailable.
func (s *ProposalStore) RuleSetFiles(ctx context.Context, version string) ([]planning.RuleFile, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qRuleSetFiles, version)
	if err != nil {
		return nil, opError("rule set files", translate(err))
	}
	files, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.RuleFile, error) {
		var f planning.RuleFile
		var body string
		err := r.Scan(&f.Name, &body)
		f.Data = []byte(body)
		return f, err
	})
	if err != nil {
		return nil, opError("rule set files", translate(err))
	}
	if len(files) == 0 {
		return nil, opError("rule set files", planning.Errorf(planning.NotFound, "no text stored for rule set %q", version))
	}
	return files, nil
}

// linkLayers queues the record of the layer versions assessment a read;
// a version not stored fails the batch, naming it.
func (s *ProposalStore) linkLayers(b *pgx.Batch, a *planning.Assessment) {
	if len(a.LayerVersions) == 0 {
		return
	}
	names := make([]string, 0, len(a.LayerVersions))
	versions := make([]int32, 0, len(a.LayerVersions))
	for name, v := range a.LayerVersions {
		names = append(names, name)
		versions = append(versions, int32(v))
	}
	b.Queue(qAssessmentLayersInsert, a.ID, names, versions).Query(func(rows pgx.Rows) error {
		var missing []string
		for rows.Next() {
			var name string
			var v int32
			if err := rows.Scan(&name, &v); err != nil {
				return err
			}
			missing = append(missing, fmt.Sprintf("%s version %d", name, v))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(missing) > 0 {
			return planning.FieldError("layer_versions", "no stored layer %s", strings.Join(missing, ", "))
		}
		return nil
	})
}

// insertFindings queues the findings of a.
func (s *ProposalStore) insertFindings(b *pgx.Batch, a *planning.Assessment) error {
	for i, f := range a.Findings {
		g, err := ewkbOf(f.Geometry)
		if err != nil {
			return planning.FieldError(fmt.Sprintf("findings/%d/geometry", i), "%v", err)
		}
		b.Queue(qFindingInsert, a.ID, i, f.RuleID, string(f.Severity), f.Layer, f.LayerKind, f.LayerVersion,
			f.FeatureID, f.FeatureName, f.Category, f.DistanceM, f.OverlapM2, f.LimitM, f.ExcessM,
			f.Authority, f.LegalBasis, f.Message.VI, f.Message.EN, g)
	}
	return nil
}

// Proposal returns proposal id.
// Errors: NotFound, Unavailable.
func (s *ProposalStore) Proposal(ctx context.Context, id int64) (planning.Proposal, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qProposal, id)
	if err != nil {
		return planning.Proposal{}, opError(fmt.Sprintf("proposal %d", id), translate(err))
	}
	p, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (planning.Proposal, error) {
		return scanProposal(r)
	})
	if err != nil {
		return planning.Proposal{}, opError(fmt.Sprintf("proposal %d", id), translate(err))
	}
	return p, nil
}

// Proposals returns one page of the proposals matching f, newest first,
// and the number of all matches. f is planning.Service.Proposals's, whose
// checks (page size, offset, bbox) it trusts; f.Limit 0 means
// planning.DefaultPageSize. Errors: Unavailable.
func (s *ProposalStore) Proposals(ctx context.Context, f planning.ProposalFilter) ([]planning.Proposal, int, error) {
	const op = "list proposals"
	limit := f.Limit
	if limit == 0 {
		limit = planning.DefaultPageSize
	}
	var box [4]*float64
	if f.BBox != nil {
		b := *f.BBox
		box = [4]*float64{&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]}
	}
	list := func(limit, offset int) ([]planning.Proposal, int, error) {
		ctx, cancel := s.db.query(ctx)
		defer cancel()
		rows, err := s.db.pool.Query(ctx, qProposals, f.Carrier, string(f.Status), string(f.Verdict),
			box[0], box[1], box[2], box[3], geo.SRIDWGS84, f.AdminUnit, limit, offset)
		if err != nil {
			return nil, 0, translate(err)
		}
		defer rows.Close()
		var out []planning.Proposal
		var total int64
		for rows.Next() {
			p, err := scanProposal(rowWithTotal{rows, &total})
			if err != nil {
				return nil, 0, translate(err)
			}
			out = append(out, p)
		}
		return out, int(total), translate(rows.Err())
	}
	page, total, err := list(limit, f.Offset)
	if err == nil && len(page) == 0 && f.Offset > 0 {
		// Past the last page there is no row to carry the total.
		_, total, err = list(1, 0)
	}
	if err != nil {
		return nil, 0, opError(op, err)
	}
	return page, total, nil
}

// rowWithTotal scans the leading count(*) column of proposals.sql into
// total and the rest as proposal.sql's columns.
type rowWithTotal struct {
	pgx.Rows
	total *int64
}

func (r rowWithTotal) Scan(dest ...any) error {
	return r.Rows.Scan(append([]any{r.total}, dest...)...)
}

// scanProposal reads the columns of proposal.sql.
func scanProposal(r pgx.Row) (planning.Proposal, error) {
	var p planning.Proposal
	var loc, fp []byte
	var revision int32
	var structure, status, verdict string
	var az, tilt, band, eirp []float64
	var tech []string
	err := r.Scan(&p.ID, &p.Site.Carrier, &p.Site.Code, &revision, &loc, &fp, &structure, &p.Site.HeightM,
		&status, &p.AdminUnit, &p.Province, &verdict, &p.CreatedAt, &p.UpdatedAt,
		&az, &tilt, &band, &eirp, &tech)
	if err != nil {
		return p, err
	}
	p.Revision, p.Site.Structure, p.Status, p.Verdict = int(revision), planning.Structure(structure), planning.Status(status), planning.Verdict(verdict)
	g, err := orbOf(loc)
	if err != nil {
		return p, err
	}
	pt, ok := g.(orb.Point)
	if !ok {
		return p, fmt.Errorf("proposal %d: location is a %T", p.ID, g)
	}
	p.Site.Location = pt
	if fp != nil {
		g, err := orbOf(fp)
		if err != nil {
			return p, err
		}
		poly, ok := g.(orb.Polygon)
		if !ok {
			return p, fmt.Errorf("proposal %d: footprint is a %T", p.ID, g)
		}
		p.Site.Footprint = poly
	}
	for i := range az {
		p.Site.Antennas = append(p.Site.Antennas, planning.Antenna{
			AzimuthDeg: az[i], TiltDeg: tilt[i], BandMHz: band[i], EIRPdBm: eirp[i], Technology: tech[i]})
	}
	return p, nil
}

// Assessment returns the latest assessment of proposal proposalID with its
// findings (geometries in EPSG:4326) and the layer versions it read.
// Errors: NotFound when the proposal has no assessment, Unavailable.
func (s *ProposalStore) Assessment(ctx context.Context, proposalID int64) (planning.Assessment, error) {
	op := fmt.Sprintf("assessment of proposal %d", proposalID)
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var a planning.Assessment
	var revision int32
	var verdict string
	var names []string
	var versions []int32
	err := s.db.pool.QueryRow(ctx, qAssessmentLatest, proposalID).Scan(&a.ID, &a.ProposalID, &revision, &verdict,
		&a.RuleSetVersion, &a.Province, &a.AdminUnit, &a.CreatedAt, &names, &versions, &a.Basis)
	if err != nil {
		return a, opError(op, translate(err))
	}
	a.Revision, a.Verdict = int(revision), planning.Verdict(verdict)
	a.LayerVersions = make(map[string]int, len(names))
	for i, n := range names {
		a.LayerVersions[n] = int(versions[i])
	}
	rows, err := s.db.pool.Query(ctx, qFindings, a.ID)
	if err != nil {
		return a, opError(op, translate(err))
	}
	a.Findings, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Finding, error) {
		var f planning.Finding
		var severity string
		var version int32
		var wkb []byte
		err := r.Scan(&f.RuleID, &severity, &f.Layer, &f.LayerKind, &version, &f.FeatureID, &f.FeatureName,
			&f.Category, &f.DistanceM, &f.OverlapM2, &f.LimitM, &f.ExcessM, &f.Authority, &f.LegalBasis,
			&f.Message.VI, &f.Message.EN, &wkb)
		if err != nil {
			return f, err
		}
		f.Severity, f.LayerVersion = planning.Severity(severity), int(version)
		f.Geometry, err = orbOf(wkb)
		return f, err
	})
	if err != nil {
		return a, opError(op, translate(err))
	}
	return a, nil
}

// send sends the statements of b in one round trip under the per-query
// timeout, running their result functions in order, and returns the first
// error.
func (d *DB) send(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	if b.Len() == 0 {
		return nil
	}
	qctx, cancel := d.query(ctx)
	defer cancel()
	return translate(tx.SendBatch(qctx, b).Close())
}

// queryRow runs a one-row query of tx under the per-query timeout and scans
// it into dest.
func (d *DB) queryRow(ctx context.Context, tx pgx.Tx, sql string, args []any, dest ...any) error {
	qctx, cancel := d.query(ctx)
	defer cancel()
	return translate(tx.QueryRow(qctx, sql, args...).Scan(dest...))
}
