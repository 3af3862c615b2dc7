package planning

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// TokenPrefix starts every token, so that a leaked one is recognisable
// (secret scanners) and a wrong kind of credential is refused early.
const TokenPrefix = "btsp_"

// Token sizes: 32 random bytes, written as unpadded base64url (43
// characters) after TokenPrefix. The lookup prefix is TokenPrefix and the
// first 8 characters: not secret, unique, kept in clear.
const (
	tokenRandomBytes = 32
	tokenChars       = len(TokenPrefix) + 43
	lookupChars      = len(TokenPrefix) + 8
)

// The default and largest lifetimes of a token.
const (
	DefaultTokenTTL = 720 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
)

// Token is a stored bearer token: only its SHA-256 hash and its lookup
// prefix are kept.
type Token struct {
	ID       int64
	UserID   int64
	Prefix   string   // "btsp_" and the first 8 characters of the secret
	Hash     [32]byte // SHA-256 of the whole token text
	Note     string
	Created  time.Time
	Expires  time.Time
	Revoked  time.Time // zero while not revoked
	LastUsed time.Time // zero when never used; updated at most once per cache TTL
	UserName string    // the user's name; filled in by Accounts.CreateToken
}

// Active reports whether t can authenticate at time now.
func (t Token) Active(now time.Time) bool {
	return t.Revoked.IsZero() && now.Before(t.Expires)
}

// NewToken returns a fresh token text read from random (crypto/rand.Reader
// when nil), its lookup prefix and its hash. Only the hash and the prefix
// may be stored; the text is shown once to its owner.
func NewToken(random io.Reader) (text, prefix string, hash [32]byte, err error) {
	if random == nil {
		random = rand.Reader
	}
	var b [tokenRandomBytes]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", "", hash, &Error{Op: "new token", Kind: Internal, Err: err}
	}
	text = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return text, text[:lookupChars], HashToken(text), nil
}

// HashToken returns the SHA-256 of a token's text. A token holds 256
// random bits, so a fast unsalted hash is safe: there is nothing to guess.
func HashToken(text string) [32]byte { return sha256.Sum256([]byte(text)) }

// ParseToken checks a token's form and returns its lookup prefix. The
// error is Unauthenticated and never repeats the text.
func ParseToken(text string) (prefix string, err error) {
	if len(text) != tokenChars || !strings.HasPrefix(text, TokenPrefix) {
		return "", &Error{Op: "authenticate", Kind: Unauthenticated, Err: errors.New("not a btsplan token")}
	}
	if _, err := base64.RawURLEncoding.DecodeString(text[len(TokenPrefix):]); err != nil {
		return "", &Error{Op: "authenticate", Kind: Unauthenticated, Err: errors.New("not a btsplan token")}
	}
	return text[:lookupChars], nil
}

// SameHash compares two token hashes in constant time.
func SameHash(a, b [32]byte) bool { return subtle.ConstantTimeCompare(a[:], b[:]) == 1 }

// TokenSelector picks the tokens to revoke: one of its fields is set.
type TokenSelector struct {
	ID       int64  // a token's id
	Prefix   string // a token's lookup prefix (from its text)
	UserName string // every active token of a user
}

// UserStore stores users and their tokens. The audit rows a change is
// given are written in its transaction: both or neither.
type UserStore interface {
	// CreateUser stores u with its roles, filling in u.ID and u.Created,
	// and audit. Errors: Exists for a taken name; Invalid naming
	// FieldUserOrg for an unknown organization.
	CreateUser(ctx context.Context, u *User, audit ...AuditEntry) error
	// UserByName returns a user with its roles and organization kind, or NotFound.
	UserByName(ctx context.Context, name string) (User, error)
	// CreateToken stores t (Prefix, Hash, UserID, Expires, Note), filling
	// in t.ID and t.Created, and audit (its details gain token_id).
	// Exists when the prefix is taken.
	CreateToken(ctx context.Context, t *Token, audit ...AuditEntry) error
	// TokenByPrefix returns the token with prefix and its user, or NotFound.
	TokenByPrefix(ctx context.Context, prefix string) (Token, User, error)
	// RevokeTokens marks the active tokens that sel picks as revoked at at
	// and returns how many it revoked; when it revoked any, it writes audit
	// (its details gain token_ids).
	RevokeTokens(ctx context.Context, sel TokenSelector, at time.Time, audit ...AuditEntry) (int, error)
	// TouchToken records that token id was used at at.
	TouchToken(ctx context.Context, id int64, at time.Time) error
}

// Accounts manages users and tokens: what `btsplan user` and `btsplan
// token` call, and, through Authenticator, what every request passes.
// Every change is audited (user.add, token.create, token.revoke) as done
// by its actor: SystemPrincipal unless As names another.
type Accounts struct {
	users  UserStore
	orgs   OrgStore
	now    func() time.Time
	random io.Reader
	actor  Principal
}

// As returns a copy of a whose changes are audited as done by p (the CLI
// names its operator).
func (a *Accounts) As(p Principal) *Accounts {
	cp := *a
	cp.actor = p
	return &cp
}

// audit is the audit row of a change of users or tokens.
func (a *Accounts) audit(action string, at time.Time, details map[string]string) AuditEntry {
	return AuditEntry{At: at, UserID: a.actor.UserID, Actor: a.actor.Actor(), Org: a.actor.Org, Action: action, Details: details}
}

// NewAccounts returns Accounts over users and orgs. now may be nil for
// time.Now and random nil for crypto/rand.
func NewAccounts(users UserStore, orgs OrgStore, now func() time.Time, random io.Reader) *Accounts {
	if now == nil {
		now = time.Now
	}
	return &Accounts{users: users, orgs: orgs, now: now, random: random, actor: SystemPrincipal()}
}

// AddUser checks and stores a new user. Errors: Invalid naming
// FieldUserName, FieldUserOrg (an unknown organization) or FieldUserRole;
// Exists for a taken name.
func (a *Accounts) AddUser(ctx context.Context, u User) (User, error) {
	const op = "add user"
	org, err := a.orgs.Organization(ctx, u.Org)
	switch {
	case KindOf(err) == NotFound:
		return User{}, &Error{Op: op, Kind: Invalid, Field: FieldUserOrg, Err: fmt.Errorf("unknown organization %q", truncate(u.Org, 40))}
	case err != nil:
		return User{}, fmt.Errorf("%s: %w", op, err)
	}
	u.OrgKind = org.Kind
	if err := CheckUser(u); err != nil {
		return User{}, err
	}
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	audit := a.audit("user.add", a.now(), map[string]string{"user": u.Name, "organization": u.Org,
		"roles": strings.Join(roles, ","), "province": u.Province})
	if err := a.users.CreateUser(ctx, &u, audit); err != nil {
		if KindOf(err) == Exists {
			return User{}, &Error{Op: op, Kind: Exists, Field: FieldUserName, Err: fmt.Errorf("user %q exists already", u.Name)}
		}
		return User{}, fmt.Errorf("%s %q: %w", op, u.Name, err)
	}
	return u, nil
}

// CreateToken makes a token for the user named userName that expires
// after ttl, stores its hash and returns its text (shown once) and the
// stored token. Errors: NotFound for an unknown user; Invalid naming
// FieldTTL for a ttl outside (0, MaxTokenTTL]; WrongState for a disabled user.
func (a *Accounts) CreateToken(ctx context.Context, userName string, ttl time.Duration, note string) (string, Token, error) {
	const op = "create token"
	if ttl <= 0 || ttl > MaxTokenTTL {
		return "", Token{}, &Error{Op: op, Kind: Invalid, Field: FieldTTL, Err: fmt.Errorf("%v is not in (0, %v]", ttl, MaxTokenTTL)}
	}
	if err := CheckLine("note", note, MaxNameChars); err != nil {
		return "", Token{}, err
	}
	u, err := a.users.UserByName(ctx, userName)
	if err != nil {
		return "", Token{}, fmt.Errorf("%s: user %q: %w", op, truncate(userName, 80), err)
	}
	if u.Disabled {
		return "", Token{}, &Error{Op: op, Kind: WrongState, Err: fmt.Errorf("user %q is disabled", u.Name)}
	}
	for attempt := 0; ; attempt++ {
		text, prefix, hash, err := NewToken(a.random)
		if err != nil {
			return "", Token{}, err
		}
		now := a.now()
		t := Token{UserID: u.ID, Prefix: prefix, Hash: hash, Note: note, Expires: now.Add(ttl), UserName: u.Name}
		audit := a.audit("token.create", now, map[string]string{"user": u.Name, "prefix": prefix,
			"expires": t.Expires.UTC().Format(time.RFC3339), "note": note})
		err = a.users.CreateToken(ctx, &t, audit)
		// A prefix collision (48 random bits) is retried with a new token.
		if KindOf(err) == Exists && attempt < 3 {
			continue
		}
		if err != nil {
			return "", Token{}, fmt.Errorf("%s for %q: %w", op, u.Name, err)
		}
		return text, t, nil
	}
}

// RevokeTokens revokes the tokens sel picks; a token text may be given
// instead (text != ""), and only its prefix is used. It returns how many
// tokens it revoked. Errors: Invalid when nothing or more than one thing
// is selected; NotFound when nothing active matched.
func (a *Accounts) RevokeTokens(ctx context.Context, sel TokenSelector, text string) (int, error) {
	const op = "revoke tokens"
	if text != "" {
		p, err := ParseToken(text)
		if err != nil {
			return 0, &Error{Op: op, Kind: Invalid, Field: "token", Err: errors.New("not a btsplan token")}
		}
		sel.Prefix = p
	}
	n := 0
	for _, set := range []bool{sel.ID != 0, sel.Prefix != "", sel.UserName != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return 0, &Error{Op: op, Kind: Invalid, Field: "token", Err: errors.New("give exactly one of a token, a token id or a user")}
	}
	now := a.now()
	details := map[string]string{}
	switch {
	case sel.ID != 0:
		details["token_id"] = fmt.Sprint(sel.ID)
	case sel.Prefix != "":
		details["prefix"] = sel.Prefix
	default:
		details["user"] = sel.UserName
	}
	k, err := a.users.RevokeTokens(ctx, sel, now, a.audit("token.revoke", now, details))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if k == 0 {
		return 0, &Error{Op: op, Kind: NotFound, Err: errors.New("no active token matched")}
	}
	return k, nil
}

// principalOf is the Principal of user u with token t.
func principalOf(u User, t Token) Principal {
	return Principal{UserID: u.ID, Name: u.Name, Org: u.Org, OrgKind: u.OrgKind, Province: u.Province,
		Roles: slices.Clone(u.Roles), TokenID: t.ID}
}
