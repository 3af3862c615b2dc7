package planningtest

import (
	"context"
	"time"

	"btsplan/planning"
)

// UserStore is a fake planning.UserStore.
type UserStore struct {
	CreateUserFunc    func(ctx context.Context, u *planning.User) error
	UserByNameFunc    func(ctx context.Context, name string) (planning.User, error)
	CreateTokenFunc   func(ctx context.Context, t *planning.Token) error
	TokenByPrefixFunc func(ctx context.Context, prefix string) (planning.Token, planning.User, error)
	RevokeTokensFunc  func(ctx context.Context, sel planning.TokenSelector, at time.Time) (int, error)
	TouchTokenFunc    func(ctx context.Context, id int64, at time.Time) error
	// Audit collects the audit rows the calls were given.
	Audit []planning.AuditEntry
}

var _ planning.UserStore = (*UserStore)(nil)

// CreateUser calls CreateUserFunc.
func (s *UserStore) CreateUser(ctx context.Context, u *planning.User, audit ...planning.AuditEntry) error {
	s.Audit = append(s.Audit, audit...)
	if s.CreateUserFunc == nil {
		return unset("UserStore.CreateUser")
	}
	return s.CreateUserFunc(ctx, u)
}

// UserByName calls UserByNameFunc.
func (s *UserStore) UserByName(ctx context.Context, name string) (planning.User, error) {
	if s.UserByNameFunc == nil {
		return planning.User{}, unset("UserStore.UserByName")
	}
	return s.UserByNameFunc(ctx, name)
}

// CreateToken calls CreateTokenFunc.
func (s *UserStore) CreateToken(ctx context.Context, t *planning.Token, audit ...planning.AuditEntry) error {
	s.Audit = append(s.Audit, audit...)
	if s.CreateTokenFunc == nil {
		return unset("UserStore.CreateToken")
	}
	return s.CreateTokenFunc(ctx, t)
}

// TokenByPrefix calls TokenByPrefixFunc.
func (s *UserStore) TokenByPrefix(ctx context.Context, prefix string) (planning.Token, planning.User, error) {
	if s.TokenByPrefixFunc == nil {
		return planning.Token{}, planning.User{}, unset("UserStore.TokenByPrefix")
	}
	return s.TokenByPrefixFunc(ctx, prefix)
}

// RevokeTokens calls RevokeTokensFunc.
func (s *UserStore) RevokeTokens(ctx context.Context, sel planning.TokenSelector, at time.Time, audit ...planning.AuditEntry) (int, error) {
	s.Audit = append(s.Audit, audit...)
	if s.RevokeTokensFunc == nil {
		return 0, unset("UserStore.RevokeTokens")
	}
	return s.RevokeTokensFunc(ctx, sel, at)
}

// TouchToken calls TouchTokenFunc; unset, it does nothing (Authenticate
// records a use on every cache miss, which few tests care about).
func (s *UserStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	if s.TouchTokenFunc == nil {
		return nil
	}
	return s.TouchTokenFunc(ctx, id, at)
}

// CaseStore is a fake planning.CaseStore.
type CaseStore struct {
	SubmitFunc             func(ctx context.Context, s *planning.NewSubmission) error
	CaseFunc               func(ctx context.Context, id int64) (planning.Case, error)
	CaseBySiteFunc         func(ctx context.Context, carrier, siteCode string) (planning.Case, error)
	ChangeFunc             func(ctx context.Context, ch *planning.CaseChange) error
	RequiredSignaturesFunc func(ctx context.Context, assessmentID int64) ([]string, error)
	SignaturesFunc         func(ctx context.Context, assessmentID int64) ([]planning.Signature, error)
	DecisionsFunc          func(ctx context.Context, caseID int64) ([]planning.Decision, error)
	IdempotentFunc         func(ctx context.Context, org, key string) (string, int64, error)
	CasesFunc              func(ctx context.Context, f planning.CaseFilter) ([]planning.Case, error)
}

// Cases calls CasesFunc.
func (s *CaseStore) Cases(ctx context.Context, f planning.CaseFilter) ([]planning.Case, error) {
	if s.CasesFunc == nil {
		return nil, unset("CaseStore.Cases")
	}
	return s.CasesFunc(ctx, f)
}

var _ planning.CaseStore = (*CaseStore)(nil)

// Submit calls SubmitFunc.
func (s *CaseStore) Submit(ctx context.Context, sub *planning.NewSubmission) error {
	if s.SubmitFunc == nil {
		return unset("CaseStore.Submit")
	}
	return s.SubmitFunc(ctx, sub)
}

// Case calls CaseFunc.
func (s *CaseStore) Case(ctx context.Context, id int64) (planning.Case, error) {
	if s.CaseFunc == nil {
		return planning.Case{}, unset("CaseStore.Case")
	}
	return s.CaseFunc(ctx, id)
}

// CaseBySite calls CaseBySiteFunc.
func (s *CaseStore) CaseBySite(ctx context.Context, carrier, siteCode string) (planning.Case, error) {
	if s.CaseBySiteFunc == nil {
		return planning.Case{}, unset("CaseStore.CaseBySite")
	}
	return s.CaseBySiteFunc(ctx, carrier, siteCode)
}

// Change calls ChangeFunc.
func (s *CaseStore) Change(ctx context.Context, ch *planning.CaseChange) error {
	if s.ChangeFunc == nil {
		return unset("CaseStore.Change")
	}
	return s.ChangeFunc(ctx, ch)
}

// RequiredSignatures calls RequiredSignaturesFunc.
func (s *CaseStore) RequiredSignatures(ctx context.Context, assessmentID int64) ([]string, error) {
	if s.RequiredSignaturesFunc == nil {
		return nil, unset("CaseStore.RequiredSignatures")
	}
	return s.RequiredSignaturesFunc(ctx, assessmentID)
}

// Signatures calls SignaturesFunc.
func (s *CaseStore) Signatures(ctx context.Context, assessmentID int64) ([]planning.Signature, error) {
	if s.SignaturesFunc == nil {
		return nil, unset("CaseStore.Signatures")
	}
	return s.SignaturesFunc(ctx, assessmentID)
}

// Decisions calls DecisionsFunc.
func (s *CaseStore) Decisions(ctx context.Context, caseID int64) ([]planning.Decision, error) {
	if s.DecisionsFunc == nil {
		return nil, unset("CaseStore.Decisions")
	}
	return s.DecisionsFunc(ctx, caseID)
}

// Idempotent calls IdempotentFunc.
func (s *CaseStore) Idempotent(ctx context.Context, org, key string) (string, int64, error) {
	if s.IdempotentFunc == nil {
		return "", 0, unset("CaseStore.Idempotent")
	}
	return s.IdempotentFunc(ctx, org, key)
}
