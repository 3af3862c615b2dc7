package planning

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what a user may do. Roles are data (the role table); these are
// the ones the code gives meaning to.
type Role string

// The roles of issue 8.
const (
	// RoleCarrier submits, revises and withdraws its own organization's
	// proposals, and sees only its own cases until a decision is public.
	RoleCarrier Role = "carrier"
	// RoleReviewer sees every case of its province and records decisions
	// and signatures for its own authority.
	RoleReviewer Role = "reviewer"
	// RoleAnalyst reads and exports everything public and writes nothing.
	RoleAnalyst Role = "analyst"
	// RoleAdmin manages layers, rules, networks, DEMs and users.
	RoleAdmin Role = "admin"
	// RoleSystem is the service itself (the assessment after a submission,
	// scheduled jobs). It is never given to a user.
	RoleSystem Role = "system"
)

// Roles lists the roles a user can hold, in a fixed order.
var Roles = []Role{RoleCarrier, RoleReviewer, RoleAnalyst, RoleAdmin}

// Valid reports whether r is a role a user can hold.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// FieldUserName and friends name the inputs of AddUser and the token
// commands in errors; the CLI uses them as flag names.
const (
	FieldUserName = "name"
	FieldUserOrg  = "org"
	FieldUserRole = "role"
	FieldTTL      = "ttl"
)

// User is a person or robot that authenticates with tokens.
type User struct {
	ID       int64
	Name     string // unique; letters, digits and . _ @ -, at most 64
	Org      string // the code of its organization
	OrgKind  string // "carrier" or "authority"; filled in by the store
	Province string // the province a reviewer works for; "" for every province
	Roles    []Role
	Disabled bool
	Created  time.Time
}

var userName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// CheckUser reports the first problem with u as a new user, or nil: the
// name's form, an empty organization, no role or an unknown one, a role
// repeated, and a role that the organization's kind cannot hold (a carrier
// role outside a carrier, a reviewer outside an authority). u.OrgKind must
// be filled in. Errors are Invalid naming FieldUserName, FieldUserOrg or
// FieldUserRole.
func CheckUser(u User) error {
	const op = "check user"
	if !userName.MatchString(u.Name) {
		return &Error{Op: op, Kind: Invalid, Field: FieldUserName,
			Err: fmt.Errorf("%q is not a user name: letters, digits and . _ @ -, at most 64, starting with a letter or digit", truncate(u.Name, 80))}
	}
	if strings.TrimSpace(u.Org) == "" {
		return &Error{Op: op, Kind: Invalid, Field: FieldUserOrg, Err: fmt.Errorf("the organization is required")}
	}
	if len(u.Roles) == 0 {
		return &Error{Op: op, Kind: Invalid, Field: FieldUserRole, Err: fmt.Errorf("at least one role is required (%s)", roleList())}
	}
	seen := map[Role]bool{}
	for _, r := range u.Roles {
		switch {
		case !r.Valid():
			return &Error{Op: op, Kind: Invalid, Field: FieldUserRole, Err: fmt.Errorf("unknown role %q (want %s)", truncate(string(r), 40), roleList())}
		case seen[r]:
			return &Error{Op: op, Kind: Invalid, Field: FieldUserRole, Err: fmt.Errorf("role %q is given twice", r)}
		case r == RoleCarrier && u.OrgKind != "carrier":
			return &Error{Op: op, Kind: Invalid, Field: FieldUserRole, Err: fmt.Errorf("role carrier needs a carrier organization; %s is a %s", u.Org, u.OrgKind)}
		case r == RoleReviewer && u.OrgKind != "authority":
			return &Error{Op: op, Kind: Invalid, Field: FieldUserRole, Err: fmt.Errorf("role reviewer needs an authority; %s is a %s", u.Org, u.OrgKind)}
		}
		seen[r] = true
	}
	return nil
}

func roleList() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Principal is the authenticated caller of one request: who, for which
// organization, with which roles. The zero Principal is nobody.
type Principal struct {
	UserID   int64
	Name     string
	Org      string
	OrgKind  string // "carrier" or "authority"
	Province string // "" for every province
	Roles    []Role
	TokenID  int64 // the token it came with; 0 when it came another way (OIDC, the CLI)
}

// Has reports whether p holds role r.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// HasAny reports whether p holds at least one of rs.
func (p Principal) HasAny(rs ...Role) bool {
	for _, r := range rs {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// Actor names p in audit rows: the user name, or "system".
func (p Principal) Actor() string {
	if p.Name == "" {
		return string(RoleSystem)
	}
	return p.Name
}

// SystemPrincipal is the service acting on its own (the CLI, jobs).
func SystemPrincipal() Principal {
	return Principal{Name: string(RoleSystem), Roles: []Role{RoleSystem}}
}

// Authenticator turns a bearer credential into a Principal. Tokens
// (TokenAuthenticator) are one implementation; an OIDC verifier
// (github.com/coreos/go-oidc) is meant to be another: it verifies the ID
// token's signature and maps its subject to a user through the same
// UserStore. Errors: Unauthenticated for a missing, malformed, unknown,
// expired or revoked credential or a disabled user; Unavailable when the
// store is.
type Authenticator interface {
	Authenticate(ctx context.Context, credential string) (Principal, error)
}
