package data

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"btsplan/planning"
)

var (
	//go:embed sql/user_insert.sql
	qUserInsert string
	//go:embed sql/user_roles_insert.sql
	qUserRolesInsert string
	//go:embed sql/user_by_name.sql
	qUserByName string
	//go:embed sql/token_insert.sql
	qTokenInsert string
	//go:embed sql/token_by_prefix.sql
	qTokenByPrefix string
	//go:embed sql/tokens_revoke.sql
	qTokensRevoke string
	//go:embed sql/token_touch.sql
	qTokenTouch string
)

// UserStore stores users, their roles and their tokens (hashes only); it
// implements planning.UserStore.
type UserStore struct {
	db *DB
}

var _ planning.UserStore = (*UserStore)(nil)

// NewUserStore returns a UserStore on db.
func NewUserStore(db *DB) *UserStore { return &UserStore{db: db} }

// CreateUser stores u, its roles and audit in one transaction, filling in
// u.ID and u.Created. Errors: Exists for a taken name; Invalid naming
// "org" for an unknown organization or "role" for a role the role table
// lacks; Unavailable.
func (s *UserStore) CreateUser(ctx context.Context, u *planning.User, audit ...planning.AuditEntry) error {
	op := fmt.Sprintf("create user %q", u.Name)
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		if err := s.db.queryRow(ctx, tx, qUserInsert, []any{u.Name, u.Org, u.Province, u.Disabled}, &u.ID, &u.Created); err != nil {
			if planning.KindOf(err) == planning.Invalid {
				return planning.FieldError(planning.FieldUserOrg, "unknown organization %q", u.Org)
			}
			return err
		}
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		if err := s.db.exec(ctx, tx, qUserRolesInsert, u.ID, roles); err != nil {
			if planning.KindOf(err) == planning.Invalid {
				return planning.FieldError(planning.FieldUserRole, "unknown role in %v", roles)
			}
			return err
		}
		for i := range audit {
			audit[i].Details = withDetail(audit[i].Details, "user_id", strconv.FormatInt(u.ID, 10))
		}
		return s.db.insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return opError(op, translate(err))
	}
	return nil
}

// UserByName returns a user with its roles and its organization's kind.
// Errors: NotFound, Unavailable.
func (s *UserStore) UserByName(ctx context.Context, name string) (planning.User, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var u planning.User
	var roles []string
	err := s.db.pool.QueryRow(ctx, qUserByName, name).Scan(&u.ID, &u.Name, &u.Org, &u.OrgKind, &u.Province, &u.Disabled, &u.Created, &roles)
	if err != nil {
		return u, opError(fmt.Sprintf("user %q", name), translate(err))
	}
	u.Roles = toRoles(roles)
	return u, nil
}

func toRoles(rs []string) []planning.Role {
	out := make([]planning.Role, len(rs))
	for i, r := range rs {
		out[i] = planning.Role(r)
	}
	return out
}

// CreateToken stores t's prefix and hash (never a token's text) and audit
// in one transaction, filling in t.ID and t.Created. Errors: Exists for a
// taken prefix; Invalid for an unknown user or an expiry not after now;
// Unavailable.
func (s *UserStore) CreateToken(ctx context.Context, t *planning.Token, audit ...planning.AuditEntry) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		if err := s.db.queryRow(ctx, tx, qTokenInsert, []any{t.UserID, t.Prefix, t.Hash[:], t.Note, t.Expires}, &t.ID, &t.Created); err != nil {
			return err
		}
		for i := range audit {
			audit[i].Details = withDetail(audit[i].Details, "token_id", strconv.FormatInt(t.ID, 10))
		}
		return s.db.insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return opError("create token", translate(err))
	}
	return nil
}

// TokenByPrefix returns the token with lookup prefix and its user.
// Errors: NotFound, Unavailable.
func (s *UserStore) TokenByPrefix(ctx context.Context, prefix string) (planning.Token, planning.User, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var t planning.Token
	var u planning.User
	var hash []byte
	var revoked, used *time.Time
	var roles []string
	err := s.db.pool.QueryRow(ctx, qTokenByPrefix, prefix).Scan(&t.ID, &t.UserID, &t.Prefix, &hash, &t.Note, &t.Created,
		&t.Expires, &revoked, &used, &u.Name, &u.Org, &u.OrgKind, &u.Province, &u.Disabled, &u.Created, &roles)
	if err != nil {
		return t, u, opError("token", translate(err))
	}
	if len(hash) != len(t.Hash) {
		return t, u, planning.Errorf(planning.Internal, "token %d: hash of %d bytes", t.ID, len(hash))
	}
	copy(t.Hash[:], hash)
	if revoked != nil {
		t.Revoked = *revoked
	}
	if used != nil {
		t.LastUsed = *used
	}
	u.ID, u.Roles = t.UserID, toRoles(roles)
	t.UserName = u.Name
	return t, u, nil
}

// RevokeTokens revokes, at at, the unrevoked tokens sel picks and returns
// how many; when it revoked any, it writes audit (with the ids revoked) in
// the same transaction. Errors: Unavailable.
func (s *UserStore) RevokeTokens(ctx context.Context, sel planning.TokenSelector, at time.Time, audit ...planning.AuditEntry) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		qctx, cancel := s.db.query(ctx)
		rows, err := tx.Query(qctx, qTokensRevoke, sel.ID, sel.Prefix, sel.UserName, at)
		if err != nil {
			cancel()
			return translate(err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		cancel()
		if err != nil || len(ids) == 0 {
			return translate(err)
		}
		n = len(ids)
		list := make([]string, len(ids))
		for i, id := range ids {
			list[i] = strconv.FormatInt(id, 10)
		}
		for i := range audit {
			audit[i].Details = withDetail(audit[i].Details, "token_ids", strings.Join(list, ","))
		}
		return s.db.insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return 0, opError("revoke tokens", translate(err))
	}
	return n, nil
}

// TouchToken records that token id was used at at. Errors: Unavailable.
func (s *UserStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	if _, err := s.db.pool.Exec(ctx, qTokenTouch, id, at); err != nil {
		return opError("touch token", translate(err))
	}
	return nil
}
