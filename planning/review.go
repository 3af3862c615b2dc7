package planning

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReviewConfig holds the review's tunables. Zero fields take the defaults.
type ReviewConfig struct {
	// LeadAuthority is the authority whose reviewers decide cases; every
	// other authority signs. Default "SNNMT", the provincial department of
	// agriculture and environment (land use since the 2025 merger).
	LeadAuthority string
	// ValidityMonths is how long an approval is valid by default: an
	// unbuilt site must then be reviewed again. Default 18, as the FAA's
	// determinations of no hazard.
	ValidityMonths int
}

// The defaults of ReviewConfig.
const (
	DefaultLeadAuthority  = "SNNMT"
	DefaultValidityMonths = 18
	MaxIdempotencyKey     = 255
)

// Review runs the case workflow: submissions and revisions, the state
// machine's transitions, signatures and decisions, each checked against
// the caller's roles and written with its audit rows in one transaction.
// It is safe for concurrent use.
type Review struct {
	cfg   ReviewConfig
	svc   *Service
	cases CaseStore
	props ProposalStore
	cal   *Calendar
	now   func() time.Time
}

// NewReview returns a Review. svc assesses submissions; props reads
// proposals and assessments; now may be nil for time.Now.
func NewReview(cfg ReviewConfig, svc *Service, cases CaseStore, props ProposalStore, cal *Calendar, now func() time.Time) *Review {
	if cfg.LeadAuthority == "" {
		cfg.LeadAuthority = DefaultLeadAuthority
	}
	if cfg.ValidityMonths <= 0 {
		cfg.ValidityMonths = DefaultValidityMonths
	}
	if now == nil {
		now = time.Now
	}
	return &Review{cfg: cfg, svc: svc, cases: cases, props: props, cal: cal, now: now}
}

// Calendar returns the working-day calendar of the review clock.
func (r *Review) Calendar() *Calendar { return r.cal }

// RequestMeta is what a request brings besides its body.
type RequestMeta struct {
	RequestID string
	// IdempotencyKey and RequestHash (of the body) make a retried
	// submission return the first result; "" for none.
	IdempotencyKey string
	RequestHash    string
}

// Submitted is the result of a submission.
type Submitted struct {
	Case       Case
	Proposal   Proposal
	Assessment Assessment
	Replayed   bool // an earlier submission with the same Idempotency-Key
}

// CanSee reports whether p may see case c: its own carrier's cases for a
// carrier; every case of its province for a reviewer; decided (public)
// cases for an analyst and for other carriers; everything for an admin. A
// case p cannot see is NotFound, so that its existence does not leak.
func CanSee(p Principal, c Case) bool {
	return CanSeeDocuments(p, c) || (p.HasAny(RoleCarrier, RoleAnalyst, RoleReviewer) && c.State.Decided())
}

func notFound(op string, id int64) error {
	return &Error{Op: op, Kind: NotFound, Err: fmt.Errorf("case %d not found", id)}
}

// Submit assesses site and stores it as a new revision of its case: a new
// case, or a stored draft (SiteSearchService), goes draft → submitted →
// assessed, an existing one revises
// (→ submitted → assessed) if its state allows. The review clock starts
// again. With an idempotency key, a retry returns the first result.
// Errors: Forbidden when p is not a carrier of site.Carrier; Invalid
// naming "Idempotency-Key" for a key reused with another body; WrongState
// when the case cannot be revised; Stale when the case changed meanwhile
// (retry); those of Service.Submit.
func (r *Review) Submit(ctx context.Context, p Principal, site Site, m RequestMeta) (Submitted, error) {
	const op = "submit"
	if !p.Has(RoleCarrier) {
		return Submitted{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("only a carrier submits proposals")}
	}
	if site.Carrier != p.Org {
		return Submitted{}, &Error{Op: op, Kind: Forbidden, Field: FieldCarrier, Err: fmt.Errorf("a carrier submits only for its own organization (%s)", p.Org)}
	}
	var idem *IdempotencyKey
	if m.IdempotencyKey != "" {
		if err := CheckLine("Idempotency-Key", m.IdempotencyKey, MaxIdempotencyKey); err != nil {
			return Submitted{}, err
		}
		idem = &IdempotencyKey{Org: p.Org, Key: m.IdempotencyKey, RequestHash: m.RequestHash}
		if res, ok, err := r.replay(ctx, p, *idem); ok || err != nil {
			return res, err
		}
	}
	prop, a, err := r.svc.prepare(ctx, site, op)
	if err != nil {
		return Submitted{}, err
	}
	now := r.now()
	c, err := r.cases.CaseBySite(ctx, site.Carrier, site.Code)
	var events []CaseEventRecord
	step := func(ev CaseEvent, roles []Role) error {
		to, err := Step(c.State, ev, roles)
		if err != nil {
			return err
		}
		events = append(events, CaseEventRecord{Event: ev, From: c.State, To: to, At: now, UserID: p.UserID, Actor: p.Actor()})
		c.State = to
		return nil
	}
	isNew := false
	switch {
	case KindOf(err) == NotFound:
		isNew = true
		c = Case{Carrier: site.Carrier, SiteCode: site.Code, State: StateDraft, Stations: 1, Created: now}
		err = step(EventSubmit, p.Roles)
	case err != nil:
		return Submitted{}, fmt.Errorf("%s: %w", op, err)
	case c.State == StateDraft:
		// A draft case (a best-site search's location) is submitted for
		// the first time.
		err = step(EventSubmit, p.Roles)
	default:
		err = step(EventRevise, p.Roles)
	}
	if err != nil {
		return Submitted{}, err
	}
	before := StateDraft
	if !isNew {
		before = events[0].From
	}
	if err := step(EventAssess, []Role{RoleSystem}); err != nil {
		return Submitted{}, err
	}
	want := c.Version
	c.Province = a.Province
	c.Clock = ReviewClock{WorkingDays: ReviewDays(c.Stations), Started: now}
	c.Due = r.due(c)
	c.Updated = now
	sub := &NewSubmission{
		Case: &c, WantVersion: want, Proposal: &prop, Assessment: &a, ContentHash: SiteHash(site),
		Required: RequiredAuthorities(a), Events: events, Idempotency: idem,
		Audit: []AuditEntry{{At: now, UserID: p.UserID, Actor: p.Actor(), Org: p.Org, Action: "case." + string(events[0].Event),
			StateBefore: before, StateAfter: c.State, RequestID: m.RequestID,
			Details: map[string]string{"site_code": site.Code, "verdict": string(a.Verdict), "rule_set": a.RuleSetVersion}}},
	}
	sub.Notice = r.notice(c, events[0].Event, before, now)
	if err := r.cases.Submit(ctx, sub); err != nil {
		return Submitted{}, fmt.Errorf("%s %s/%s: %w", op, site.Carrier, truncate(site.Code, 64), err)
	}
	if sub.ReplayOf != 0 {
		return r.replayed(ctx, sub.ReplayOf)
	}
	c.ProposalID, c.Revision = prop.ID, prop.Revision
	return Submitted{Case: c, Proposal: prop, Assessment: a}, nil
}

// replay returns the first result stored under key, if any.
func (r *Review) replay(ctx context.Context, p Principal, key IdempotencyKey) (Submitted, bool, error) {
	hash, id, err := r.cases.Idempotent(ctx, key.Org, key.Key)
	switch {
	case KindOf(err) == NotFound:
		return Submitted{}, false, nil
	case err != nil:
		return Submitted{}, false, fmt.Errorf("idempotency key: %w", err)
	case hash != key.RequestHash:
		return Submitted{}, false, &Error{Op: "submit", Kind: Invalid, Field: "Idempotency-Key",
			Err: errors.New("this key was used for a different request")}
	}
	res, err := r.replayed(ctx, id)
	return res, err == nil, err
}

func (r *Review) replayed(ctx context.Context, proposalID int64) (Submitted, error) {
	prop, err := r.props.Proposal(ctx, proposalID)
	if err != nil {
		return Submitted{}, fmt.Errorf("replay proposal %d: %w", proposalID, err)
	}
	a, err := r.props.Assessment(ctx, proposalID)
	if err != nil {
		return Submitted{}, fmt.Errorf("replay proposal %d: %w", proposalID, err)
	}
	c, err := r.cases.CaseBySite(ctx, prop.Site.Carrier, prop.Site.Code)
	if err != nil {
		return Submitted{}, fmt.Errorf("replay proposal %d: %w", proposalID, err)
	}
	return Submitted{Case: c, Proposal: prop, Assessment: a, Replayed: true}, nil
}

// due is the due day the case stores: zero while its clock is paused,
// stopped or not started.
func (r *Review) due(c Case) time.Time {
	if c.Clock.Started.IsZero() || !c.Clock.Stopped.IsZero() || !c.State.ClockRuns() {
		return time.Time{}
	}
	for _, p := range c.Clock.Pauses {
		if p.Until.IsZero() {
			return time.Time{}
		}
	}
	return r.cal.Status(c.Clock, r.now()).Due
}

// CaseView is a case with what its page shows.
type CaseView struct {
	Case       Case
	Clock      ClockStatus
	Required   []string // authorities whose signature the current assessment needs
	Signatures []Signature
	Missing    []string // Required minus those that signed (the lead authority decides instead)
	Decisions  []Decision
}

// Case returns case id as p may see it. Errors: NotFound, also for a case
// p may not see.
func (r *Review) Case(ctx context.Context, p Principal, id int64) (CaseView, error) {
	const op = "case"
	c, err := r.visible(ctx, p, id, op)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: c, Clock: r.cal.Status(c.Clock, r.now())}
	if c.ProposalID != 0 {
		a, err := r.props.Assessment(ctx, c.ProposalID)
		if err != nil {
			return CaseView{}, fmt.Errorf("%s %d: %w", op, id, err)
		}
		if v.Required, err = r.cases.RequiredSignatures(ctx, a.ID); err != nil {
			return CaseView{}, fmt.Errorf("%s %d: %w", op, id, err)
		}
		if v.Signatures, err = r.cases.Signatures(ctx, a.ID); err != nil {
			return CaseView{}, fmt.Errorf("%s %d: %w", op, id, err)
		}
		v.Missing = r.missing(v.Required, v.Signatures)
	}
	if v.Decisions, err = r.cases.Decisions(ctx, c.ID); err != nil {
		return CaseView{}, fmt.Errorf("%s %d: %w", op, id, err)
	}
	return v, nil
}

func (r *Review) missing(required []string, sigs []Signature) []string {
	var out []string
	for _, a := range required {
		if a == r.cfg.LeadAuthority {
			continue
		}
		if !slices.ContainsFunc(sigs, func(s Signature) bool { return s.Authority == a }) {
			out = append(out, a)
		}
	}
	return out
}

func (r *Review) visible(ctx context.Context, p Principal, id int64, op string) (Case, error) {
	c, err := r.cases.Case(ctx, id)
	switch {
	case KindOf(err) == NotFound:
		return Case{}, notFound(op, id)
	case err != nil:
		return Case{}, fmt.Errorf("%s %d: %w", op, id, err)
	case !CanSee(p, c):
		return Case{}, notFound(op, id)
	}
	return c, nil
}

// checkVersion refuses a stale version; 0 means the caller named none.
func checkVersion(op string, c Case, ifVersion int) error {
	if ifVersion != 0 && ifVersion != c.Version {
		return &Error{Op: op, Kind: Stale, Field: "If-Match", Err: fmt.Errorf("case %d is at version %d, not %d", c.ID, c.Version, ifVersion)}
	}
	return nil
}

// Act applies one event that is not a decision nor a revision:
// start_review, request_documents (pauses the clock), resubmit_documents
// (resumes it), withdraw (stops it), expire (the system's, Expiry) and
// report_built (the carrier built the approved site: it never expires).
// A change of state is notified (CaseChange.Notice). ifVersion, when not 0,
// must be the case's version. A carrier acts only on its own cases.
// Errors: NotFound (also for a case p may not see); Invalid for a
// decision or revision event; Stale; Forbidden; WrongState.
func (r *Review) Act(ctx context.Context, p Principal, caseID int64, ev CaseEvent, ifVersion int, note string, m RequestMeta) (Case, error) {
	op := "case " + string(ev)
	if ev.Decision() || ev == EventRevise || ev == EventSubmit || ev == EventAssess || !ev.Valid() {
		return Case{}, &Error{Op: op, Kind: Invalid, Field: "event", Err: fmt.Errorf("%q is not an action (decisions, submissions and revisions have their own calls)", truncate(string(ev), 40))}
	}
	if err := CheckText("/note", note, MaxTextChars); err != nil {
		return Case{}, err
	}
	c, err := r.visible(ctx, p, caseID, op)
	if err != nil {
		return Case{}, err
	}
	if p.Has(RoleCarrier) && !p.HasAny(RoleAdmin, RoleReviewer) && c.Carrier != p.Org {
		return Case{}, notFound(op, caseID)
	}
	if err := checkVersion(op, c, ifVersion); err != nil {
		return Case{}, err
	}
	to, err := Step(c.State, ev, p.Roles)
	if err != nil {
		return Case{}, err
	}
	now := r.now()
	ch := &CaseChange{Case: &c, WantVersion: c.Version}
	switch ev {
	case EventRequestDocuments:
		ch.OpenPause = now
		c.Clock.Pauses = append(c.Clock.Pauses, Pause{From: now})
	case EventResubmitDocuments:
		ch.ClosePause = now
		if n := len(c.Clock.Pauses); n > 0 {
			c.Clock.Pauses[n-1].Until = now
		}
	case EventWithdraw:
		c.Clock.Stopped = now
	case EventStartReview:
		if c.State == StateExpired {
			c.Clock = ReviewClock{WorkingDays: ReviewDays(c.Stations), Started: now}
		}
	}
	r.record(ch, p, ev, to, now, note, m)
	if err := r.cases.Change(ctx, ch); err != nil {
		return Case{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	return c, nil
}

// record moves ch.Case to state to and adds the event and its audit row.
func (r *Review) record(ch *CaseChange, p Principal, ev CaseEvent, to CaseState, now time.Time, note string, m RequestMeta) {
	c := ch.Case
	from := c.State
	c.State = to
	c.Updated = now
	c.Due = r.due(*c)
	ch.Events = append(ch.Events, CaseEventRecord{Event: ev, From: from, To: to, At: now, UserID: p.UserID,
		Actor: p.Actor(), ProposalID: c.ProposalID, Note: note})
	ch.Notice = r.notice(*c, ev, from, now)
	ch.Audit = append(ch.Audit, AuditEntry{At: now, UserID: p.UserID, Actor: p.Actor(), Org: p.Org,
		Action: "case." + string(ev), CaseID: c.ID, ProposalID: c.ProposalID, StateBefore: from, StateAfter: to,
		RequestID: m.RequestID})
}

// Sign records p's authority's consent to, or refusal of, the case's
// current assessment. Only a reviewer signs, only for its own authority,
// only while the case is under review, and only when the assessment needs
// that authority. ifVersion as for Act. Errors: NotFound; Forbidden;
// WrongState (not under review, or the authority's signature is not
// needed); Exists (signed already); Stale.
func (r *Review) Sign(ctx context.Context, p Principal, caseID int64, ifVersion int, consent bool, note string, m RequestMeta) (Case, Signature, error) {
	const op = "sign case"
	if !p.Has(RoleReviewer) {
		return Case{}, Signature{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("only a reviewer signs")}
	}
	if err := CheckText("/note", note, MaxTextChars); err != nil {
		return Case{}, Signature{}, err
	}
	c, err := r.visible(ctx, p, caseID, op)
	if err != nil {
		return Case{}, Signature{}, err
	}
	if err := checkVersion(op, c, ifVersion); err != nil {
		return Case{}, Signature{}, err
	}
	if c.State != StateUnderReview {
		return Case{}, Signature{}, &Error{Op: op, Kind: WrongState, Err: fmt.Errorf("cannot sign when the case is %s", strings.ReplaceAll(string(c.State), "_", " "))}
	}
	a, err := r.props.Assessment(ctx, c.ProposalID)
	if err != nil {
		return Case{}, Signature{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	req, err := r.cases.RequiredSignatures(ctx, a.ID)
	if err != nil {
		return Case{}, Signature{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	if !slices.Contains(req, p.Org) {
		return Case{}, Signature{}, &Error{Op: op, Kind: WrongState, Err: fmt.Errorf("the assessment needs no signature from %s", p.Org)}
	}
	now := r.now()
	s := Signature{CaseID: c.ID, AssessmentID: a.ID, Authority: p.Org, Consent: consent, UserID: p.UserID, Signer: p.Name, Note: note, Signed: now}
	ch := &CaseChange{Case: &c, WantVersion: c.Version, Signature: &s}
	c.Updated = now
	verb := "refuse"
	if consent {
		verb = "consent"
	}
	ch.Audit = append(ch.Audit, AuditEntry{At: now, UserID: p.UserID, Actor: p.Actor(), Org: p.Org, Action: "case.sign." + verb,
		CaseID: c.ID, ProposalID: c.ProposalID, StateBefore: c.State, StateAfter: c.State, RequestID: m.RequestID})
	if err := r.cases.Change(ctx, ch); err != nil {
		if KindOf(err) == Exists {
			return Case{}, Signature{}, &Error{Op: op, Kind: Exists, Err: fmt.Errorf("%s has signed this assessment already", p.Org)}
		}
		return Case{}, Signature{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	return c, s, nil
}

// DecisionInput is what a reviewer decides.
type DecisionInput struct {
	Outcome    CaseEvent // approve, approve_with_conditions, reject or request_relocation
	Conditions []Condition
	Note       string
	ValidUntil time.Time // approvals only; zero for ReviewConfig.ValidityMonths from today
}

// Decide records the lead authority's decision on a case. ifVersion is
// required (If-Match): a decision made on an older version of the case is
// refused, so that of two reviewers deciding at once exactly one wins. An
// approval needs the consent of every authority that a condition finding
// names; approve_with_conditions needs conditions, the others none.
// Errors: Invalid naming "If-Match", "/outcome", "/conditions/…" or
// "/valid_until"; NotFound; Forbidden (not a reviewer of the lead
// authority); WrongState (not under review, signatures missing or
// refused); Stale.
func (r *Review) Decide(ctx context.Context, p Principal, caseID int64, ifVersion int, in DecisionInput, m RequestMeta) (Case, Decision, error) {
	const op = "decide case"
	if ifVersion <= 0 {
		return Case{}, Decision{}, &Error{Op: op, Kind: Invalid, Field: "If-Match", Err: errors.New("a decision must name the version of the case it was made on")}
	}
	if !in.Outcome.Decision() {
		return Case{}, Decision{}, FieldError("/outcome", "%q is not a decision (want approve, approve_with_conditions, reject or request_relocation)", truncate(string(in.Outcome), 40))
	}
	if err := CheckConditions(in.Conditions); err != nil {
		return Case{}, Decision{}, err
	}
	switch {
	case in.Outcome == EventApproveCond && len(in.Conditions) == 0:
		return Case{}, Decision{}, FieldError(conditionsField, "an approval with conditions needs at least one condition")
	case in.Outcome != EventApproveCond && len(in.Conditions) > 0:
		return Case{}, Decision{}, FieldError(conditionsField, "only approve_with_conditions carries conditions")
	}
	if err := CheckText("/note", in.Note, MaxTextChars); err != nil {
		return Case{}, Decision{}, err
	}
	c, err := r.visible(ctx, p, caseID, op)
	if err != nil {
		return Case{}, Decision{}, err
	}
	if !p.Has(RoleReviewer) || p.Org != r.cfg.LeadAuthority {
		return Case{}, Decision{}, &Error{Op: op, Kind: Forbidden, Err: fmt.Errorf("only a reviewer of %s decides; other authorities sign", r.cfg.LeadAuthority)}
	}
	if err := checkVersion(op, c, ifVersion); err != nil {
		return Case{}, Decision{}, err
	}
	to, err := Step(c.State, in.Outcome, p.Roles)
	if err != nil {
		return Case{}, Decision{}, err
	}
	now := r.now()
	a, err := r.props.Assessment(ctx, c.ProposalID)
	if err != nil {
		return Case{}, Decision{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	d := Decision{CaseID: c.ID, ProposalID: c.ProposalID, AssessmentID: a.ID, Outcome: to, Authority: p.Org,
		UserID: p.UserID, Reviewer: p.Name, Note: in.Note, Signed: now}
	if to == StateApproved || to == StateApprovedCond {
		if err := r.signedOff(ctx, a.ID); err != nil {
			return Case{}, Decision{}, err
		}
		today := dateOf(dayNumber(now))
		d.ValidUntil = today.AddDate(0, r.cfg.ValidityMonths, 0)
		if !in.ValidUntil.IsZero() {
			d.ValidUntil = dateOf(dayNumber(in.ValidUntil))
			if !d.ValidUntil.After(today) {
				return Case{}, Decision{}, FieldError("/valid_until", "an approval must be valid after today")
			}
			if d.ValidUntil.After(today.AddDate(MaxValidityYears, 0, 0)) {
				return Case{}, Decision{}, FieldError("/valid_until", "an approval is valid for at most %d years", MaxValidityYears)
			}
		}
	} else if !in.ValidUntil.IsZero() {
		return Case{}, Decision{}, FieldError("/valid_until", "only an approval has a validity")
	}
	for _, cond := range in.Conditions {
		cond.Status = ConditionOpen
		cond.ChangedBy, cond.ChangedAt = 0, time.Time{}
		d.Conditions = append(d.Conditions, cond)
	}
	c.Clock.Stopped = now
	ch := &CaseChange{Case: &c, WantVersion: c.Version, Decision: &d}
	r.record(ch, p, in.Outcome, to, now, in.Note, m)
	if err := r.cases.Change(ctx, ch); err != nil {
		return Case{}, Decision{}, fmt.Errorf("%s %d: %w", op, caseID, err)
	}
	return c, d, nil
}

// signedOff refuses an approval while a required signature is missing or
// refused.
func (r *Review) signedOff(ctx context.Context, assessmentID int64) error {
	req, err := r.cases.RequiredSignatures(ctx, assessmentID)
	if err != nil {
		return fmt.Errorf("required signatures: %w", err)
	}
	sigs, err := r.cases.Signatures(ctx, assessmentID)
	if err != nil {
		return fmt.Errorf("signatures: %w", err)
	}
	if miss := r.missing(req, sigs); len(miss) > 0 {
		return &Error{Op: "decide case", Kind: WrongState, Err: fmt.Errorf("cannot approve while signatures are missing from %s", strings.Join(miss, ", "))}
	}
	var refused []string
	for _, s := range sigs {
		if !s.Consent {
			refused = append(refused, s.Authority)
		}
	}
	if len(refused) > 0 {
		return &Error{Op: "decide case", Kind: WrongState, Err: fmt.Errorf("cannot approve: %s refused", strings.Join(refused, ", "))}
	}
	return nil
}

// ProposalCase is the case made from a proposal that has none (stored
// before reviews existed, or by Service.Submit alone): assessed, of the
// proposal's carrier, site and province.
func ProposalCase(prop Proposal) Case {
	return Case{Carrier: prop.Site.Carrier, SiteCode: prop.Site.Code, Province: prop.Province,
		State: StateAssessed, ProposalID: prop.ID, Revision: prop.Revision}
}

// CaseOfProposal returns the case that proposal prop is a revision of, or
// ProposalCase(prop) when it has none. It does not check who may see it:
// CanSee does. Errors: Unavailable.
func (r *Review) CaseOfProposal(ctx context.Context, prop Proposal) (Case, error) {
	c, err := r.cases.CaseBySite(ctx, prop.Site.Carrier, prop.Site.Code)
	switch {
	case KindOf(err) == NotFound:
		return ProposalCase(prop), nil
	case err != nil:
		return Case{}, fmt.Errorf("case of proposal %d: %w", prop.ID, err)
	}
	return c, nil
}

// CaseFilter selects cases for a list. State, Overdue, Limit and Offset
// come from the caller; Review.Cases sets the rest from the principal.
type CaseFilter struct {
	State   CaseState // "" for every state
	Overdue bool      // only cases whose stored due day is before Today
	Today   time.Time // midnight in Vietnam
	// Who may see what: every case (All), or the cases of Carrier, of
	// Province, and the decided ones (Public). "" and false select none.
	All      bool
	Carrier  string
	Province string
	Public   bool
	Limit    int // 1..MaxPageSize
	Offset   int
}

// DefaultCasePage is the page size of a case list without a limit.
const DefaultCasePage = 50

// Cases lists the cases p may see (as CanSee decides), oldest first.
// Errors: Invalid naming "state", "limit" or "offset"; Unavailable.
func (r *Review) Cases(ctx context.Context, p Principal, f CaseFilter) ([]Case, error) {
	if f.State != "" && !f.State.Valid() {
		return nil, &Error{Op: "list cases", Kind: Invalid, Field: "state", Err: fmt.Errorf("unknown state %q", truncate(string(f.State), 40))}
	}
	if f.Limit == 0 {
		f.Limit = DefaultCasePage
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		return nil, &Error{Op: "list cases", Kind: Invalid, Field: "limit", Err: fmt.Errorf("limit %d: want 1 to %d", f.Limit, MaxPageSize)}
	}
	if f.Offset < 0 {
		return nil, &Error{Op: "list cases", Kind: Invalid, Field: "offset", Err: fmt.Errorf("offset %d is negative", f.Offset)}
	}
	f.Today = dateOf(dayNumber(r.now()))
	f.All, f.Carrier, f.Province, f.Public = false, "", "", false
	switch {
	case p.Has(RoleAdmin) || p.Has(RoleSystem) || (p.Has(RoleReviewer) && p.Province == ""):
		f.All = true
	case p.Has(RoleReviewer):
		f.Province, f.Public = p.Province, true
	case p.Has(RoleCarrier):
		f.Carrier, f.Public = p.Org, true
	case p.Has(RoleAnalyst):
		f.Public = true
	default:
		return nil, nil
	}
	cs, err := r.cases.Cases(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return cs, nil
}
