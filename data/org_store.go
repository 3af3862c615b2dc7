package data

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"btsplan/planning"
)

var (
	//go:embed sql/organization.sql
	qOrganization string
	//go:embed sql/organizations.sql
	qOrganizations string
)

// OrgStore reads the carriers and authorities, which are data (seeded by
// migration 0002); it implements planning.OrgStore.
type OrgStore struct {
	db *DB
}

var _ planning.OrgStore = (*OrgStore)(nil)

// NewOrgStore returns an OrgStore on db.
func NewOrgStore(db *DB) *OrgStore { return &OrgStore{db: db} }

// Organization returns the organization with code (an MNC such as "452-04"
// for a carrier, a short code such as "SNNMT" for an authority).
// Errors: NotFound, Unavailable.
func (s *OrgStore) Organization(ctx context.Context, code string) (planning.Organization, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var o planning.Organization
	if err := s.db.pool.QueryRow(ctx, qOrganization, code).Scan(&o.Code, &o.Name, &o.Kind); err != nil {
		return o, opError(fmt.Sprintf("organization %q", code), translate(err))
	}
	return o, nil
}

// Organizations returns the organizations of kind ("carrier" or
// "authority"; every kind when ""), by code.
// Errors: Unavailable.
func (s *OrgStore) Organizations(ctx context.Context, kind string) ([]planning.Organization, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qOrganizations, kind)
	if err != nil {
		return nil, opError("organizations", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Organization, error) {
		var o planning.Organization
		err := r.Scan(&o.Code, &o.Name, &o.Kind)
		return o, err
	})
	if err != nil {
		return nil, opError("organizations", translate(err))
	}
	return out, nil
}

// IsAuthority reports whether code is an authority's code. With a context
// bound in, it fits planning.RuleBook.CheckAuthorities.
// Errors: Unavailable.
func (s *OrgStore) IsAuthority(ctx context.Context, code string) (bool, error) {
	o, err := s.Organization(ctx, code)
	if err != nil && planning.KindOf(err) == planning.NotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return o.Kind == "authority", nil
}
