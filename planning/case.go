package planning

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Case is the review of every revision of one (carrier, site code).
type Case struct {
	ID         int64
	Carrier    string
	SiteCode   string
	Province   string
	State      CaseState
	Version    int   // increases with every change; the case's ETag
	ProposalID int64 // the current revision
	Revision   int
	Stations   int // radio stations in the submission; sets the review period
	Clock      ReviewClock
	// Due is the clock's due day as stored for lists (?overdue=true): zero
	// while the clock is paused, stopped or not started.
	Due     time.Time
	Created time.Time
	Updated time.Time
}

// ETag is the case's entity tag for HTTP: a strong tag of its id and version.
func (c Case) ETag() string { return fmt.Sprintf(`"case-%d-v%d"`, c.ID, c.Version) }

// ParseCaseETag returns the version an If-Match value names for case id.
// Errors: Invalid naming "If-Match" for a missing or malformed tag or one
// of another case (api: 412 or 428, as it decides).
func ParseCaseETag(id int64, tag string) (int, error) {
	prefix := fmt.Sprintf(`"case-%d-v`, id)
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	if !strings.HasPrefix(tag, prefix) || !strings.HasSuffix(tag, `"`) {
		return 0, &Error{Op: "parse etag", Kind: Invalid, Field: "If-Match", Err: fmt.Errorf("not an ETag of case %d", id)}
	}
	v, err := strconv.Atoi(tag[len(prefix) : len(tag)-1])
	if err != nil || v < 1 {
		return 0, &Error{Op: "parse etag", Kind: Invalid, Field: "If-Match", Err: fmt.Errorf("not an ETag of case %d", id)}
	}
	return v, nil
}

// CaseEventRecord is one transition as the case's history keeps it.
type CaseEventRecord struct {
	Event      CaseEvent
	From, To   CaseState
	At         time.Time
	UserID     int64 // 0 for the system
	Actor      string
	ProposalID int64
	Note       string
}

// AuditEntry is one row of the append-only audit trail.
type AuditEntry struct {
	At          time.Time
	UserID      int64 // 0 for the system
	Actor       string
	Org         string
	Action      string // "case.submit", "case.approve", "user.add", ...
	CaseID      int64
	ProposalID  int64
	StateBefore CaseState
	StateAfter  CaseState
	RequestID   string
	Details     map[string]string
}

// ConditionType is the kind of a decision's condition; each kind has its
// own parameters.
type ConditionType string

// The condition types, with their parameters.
const (
	CondMaxHeight  ConditionType = "max_height"         // height_m: the highest structure allowed, m
	CondCamouflage ConditionType = "camouflage"         // style (optional): "tree", "flagpole", ...
	CondShare      ConditionType = "share_with_carrier" // carrier: the MNC of the carrier to share with
	CondConsent    ConditionType = "consent_letter"     // authority: whose consent letter is needed
	CondOther      ConditionType = "other"              // text: the condition in words
	MaxConditions                = 50
	// MaxValidityYears bounds an approval's validity: an unbuilt site is
	// reviewed again once the plans it was checked against may have changed
	// (land-use plans run 5 to 10 years).
	MaxValidityYears = 10
	maxParamChars    = MaxNameChars
	conditionsField  = "/conditions"
)

// ConditionStatus is how far a condition is.
type ConditionStatus string

// The condition statuses.
const (
	ConditionOpen   ConditionStatus = "open"
	ConditionMet    ConditionStatus = "met"
	ConditionWaived ConditionStatus = "waived"
)

// Condition is one typed condition of a decision.
type Condition struct {
	ID        int64
	Type      ConditionType
	Params    map[string]string
	Status    ConditionStatus
	Note      string
	ChangedBy int64 // the user who last changed Status; 0 when never changed
	ChangedAt time.Time
	// StatusNote is the reviewer's note when marking it met or waived.
	StatusNote string
	// EvidenceID is the attachment of the case reported as evidence (0:
	// none), and EvidenceNote the carrier's note with it.
	EvidenceID   int64
	EvidenceNote string
}

// CheckConditions reports the first condition whose type or parameters are
// wrong, as an Invalid error naming /conditions/i/….
func CheckConditions(cs []Condition) error {
	if len(cs) > MaxConditions {
		return FieldError(conditionsField, "%d conditions; at most %d", len(cs), MaxConditions)
	}
	for i, c := range cs {
		at := fmt.Sprintf("%s/%d", conditionsField, i)
		want := map[ConditionType][]string{
			CondMaxHeight: {"height_m"}, CondCamouflage: nil, CondShare: {"carrier"},
			CondConsent: {"authority"}, CondOther: {"text"},
		}
		required, ok := want[c.Type]
		if !ok {
			return FieldError(at+"/type", "unknown condition type %q (want max_height, camouflage, share_with_carrier, consent_letter or other)", truncate(string(c.Type), 40))
		}
		// A type's parameters, and no other: an unknown key (any number
		// of them, each named by the client) would be stored and
		// published with the decision, and read by nothing.
		known := required
		if c.Type == CondCamouflage {
			known = []string{"style"}
		}
		for _, k := range slices.Sorted(maps.Keys(c.Params)) {
			if !slices.Contains(known, k) {
				return FieldError(at+"/params", "unknown parameter %q of a %s condition (want %s)", truncate(k, 40), c.Type, strings.Join(known, ", "))
			}
			if err := CheckLine(at+"/params/"+k, c.Params[k], maxParamChars); err != nil {
				return err
			}
		}
		for _, k := range required {
			if strings.TrimSpace(c.Params[k]) == "" {
				return FieldError(at+"/params/"+k, "a %s condition needs %s", c.Type, k)
			}
		}
		if c.Type == CondMaxHeight {
			h, err := strconv.ParseFloat(c.Params["height_m"], 64)
			if err != nil || !(h > 0 && h <= MaxHeightM) {
				return FieldError(at+"/params/height_m", "%q is not a height in (0, %v] m", truncate(c.Params["height_m"], 20), MaxHeightM)
			}
		}
		switch c.Status {
		case "", ConditionOpen, ConditionMet, ConditionWaived:
		default:
			return FieldError(at+"/status", "unknown status %q (want open, met or waived)", truncate(string(c.Status), 20))
		}
		if err := CheckText(at+"/note", c.Note, MaxTextChars); err != nil {
			return err
		}
	}
	return nil
}

// Decision is a decision on a case by the lead authority's reviewer.
type Decision struct {
	ID           int64
	CaseID       int64
	ProposalID   int64
	AssessmentID int64
	Outcome      CaseState // approved, approved_with_conditions, rejected or relocation_requested
	Authority    string
	UserID       int64
	Reviewer     string
	Note         string
	ValidUntil   time.Time // the last day an approval is valid (midnight in Vietnam); zero otherwise
	Conditions   []Condition
	Signed       time.Time
}

// Signature is one authority's consent to, or refusal of, one assessment.
type Signature struct {
	ID           int64
	CaseID       int64
	AssessmentID int64
	Authority    string
	Consent      bool
	UserID       int64
	Signer       string
	Note         string
	Signed       time.Time
}

// RequiredAuthorities returns the authorities whose signature an
// assessment needs: every authority a condition finding names, sorted.
func RequiredAuthorities(a Assessment) []string {
	var out []string
	for _, f := range a.Findings {
		if f.Severity == SeverityCondition && f.Authority != "" && !slices.Contains(out, f.Authority) {
			out = append(out, f.Authority)
		}
	}
	slices.Sort(out)
	return out
}

// IdempotencyKey records a submission under the key its client gave.
type IdempotencyKey struct {
	Org         string
	Key         string
	RequestHash string // of the request's content: the same key with other content is refused
}

// NewSubmission is what CaseStore.Submit stores in one transaction: a new
// proposal revision with its assessment (and its rule set's text), the
// authorities that must sign it, the case in its new state, the events and
// the audit rows, and the idempotency key.
type NewSubmission struct {
	Case        *Case // ID 0 for a new case; the store fills in ID and Version
	WantVersion int   // the version the case had when read; ignored for a new case
	Proposal    *Proposal
	Assessment  *Assessment
	ContentHash string
	Required    []string
	Events      []CaseEventRecord
	Audit       []AuditEntry
	Idempotency *IdempotencyKey // nil without a key
	// Notice is the notification of the case's new state, queued with it
	// (nil: none).
	Notice *Notice
	// ReplayOf is set by the store, with nothing stored, when the
	// idempotency key was used already: the proposal stored then.
	ReplayOf int64
}

// CaseChange is one change of a case that the store writes in one
// transaction, only if the stored version is still WantVersion: the case's
// new state (Case.Version is then incremented), its history, its audit
// rows, and what the change records.
type CaseChange struct {
	Case        *Case
	WantVersion int
	Events      []CaseEventRecord
	Audit       []AuditEntry
	OpenPause   time.Time  // non-zero: a pause starts then
	ClosePause  time.Time  // non-zero: the open pause ends then
	Decision    *Decision  // filled in with its ID and the conditions' IDs
	Signature   *Signature // filled in with its ID
	Condition   *Condition // a condition's new status, notes and evidence (by its ID)
	// Notice is the notification of a change of state, queued in the same
	// transaction (nil: the state stays, nobody is notified).
	Notice *Notice
}

// CaseStore stores cases. Every method that changes a case writes the
// change and its audit rows in one transaction: both or neither.
type CaseStore interface {
	// Submit stores s (see NewSubmission). Errors: Stale when the case
	// changed since it was read (or was created meanwhile); Exists (a
	// *DuplicateError naming the proposal) for the same content submitted
	// before; those of ProposalStore.CreateProposal.
	Submit(ctx context.Context, s *NewSubmission) error
	// Case returns a case with its clock, or NotFound.
	Case(ctx context.Context, id int64) (Case, error)
	// CaseBySite returns the case of (carrier, site code), or NotFound.
	CaseBySite(ctx context.Context, carrier, siteCode string) (Case, error)
	// Change stores ch (see CaseChange). Errors: Stale when the stored
	// version is not ch.WantVersion; Exists for a second signature of one
	// authority.
	Change(ctx context.Context, ch *CaseChange) error
	// RequiredSignatures returns the authorities that must sign assessment id.
	RequiredSignatures(ctx context.Context, assessmentID int64) ([]string, error)
	// Signatures returns the signatures of assessment id, oldest first.
	Signatures(ctx context.Context, assessmentID int64) ([]Signature, error)
	// Decisions returns the decisions of a case with their conditions, oldest first.
	Decisions(ctx context.Context, caseID int64) ([]Decision, error)
	// Cases returns the cases that f selects, oldest first, with their
	// clocks.
	Cases(ctx context.Context, f CaseFilter) ([]Case, error)
	// Idempotent returns the request hash and proposal stored under an
	// organization's key, or NotFound.
	Idempotent(ctx context.Context, org, key string) (requestHash string, proposalID int64, err error)
}
