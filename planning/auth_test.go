package planning_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// tokenFixture is a user with one stored token and a fake clock.
type tokenFixture struct {
	now    time.Time
	text   string
	token  planning.Token
	user   planning.User
	lookup int // TokenByPrefix calls
	store  *planningtest.UserStore
}

func newTokenFixture(t *testing.T) *tokenFixture {
	t.Helper()
	text, prefix, hash, err := planning.NewToken(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	f := &tokenFixture{now: testNow, text: text}
	f.user = planning.User{ID: 3, Name: "lan", Org: carrierVT, OrgKind: "carrier", Roles: []planning.Role{planning.RoleCarrier}}
	f.token = planning.Token{ID: 9, UserID: 3, Prefix: prefix, Hash: hash, Expires: testNow.Add(time.Hour)}
	f.store = &planningtest.UserStore{
		TokenByPrefixFunc: func(_ context.Context, p string) (planning.Token, planning.User, error) {
			f.lookup++
			if p != f.token.Prefix {
				return planning.Token{}, planning.User{}, planning.Errorf(planning.NotFound, "no token")
			}
			return f.token, f.user, nil
		},
	}
	return f
}

func (f *tokenFixture) clock() time.Time { return f.now }

func TestNewTokenForm(t *testing.T) {
	text, prefix, hash, err := planning.NewToken(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "btsp_") || len(text) != 48 || !strings.HasPrefix(text, prefix) || len(prefix) != 13 {
		t.Errorf("NewToken() = %q, prefix %q; want btsp_ and 43 characters, prefix of 13", text, prefix)
	}
	if hash != planning.HashToken(text) {
		t.Errorf("NewToken hash is not HashToken(text)")
	}
	if p, err := planning.ParseToken(text); err != nil || p != prefix {
		t.Errorf("ParseToken(NewToken()) = %q, %v; want %q", p, err, prefix)
	}
	other, _, _, _ := planning.NewToken(nil)
	if other == text {
		t.Errorf("two NewToken() calls gave the same token")
	}
}

func TestAuthenticate(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *tokenFixture) string // returns the token text to present
		ok     bool
		lookup int
	}{
		{"valid", func(f *tokenFixture) string { return f.text }, true, 1},
		{"malformed", func(f *tokenFixture) string { return "Bearer " + f.text }, false, 0},
		{"other prefix", func(f *tokenFixture) string { return "ghp_" + f.text[4:] }, false, 0},
		{"unknown", func(f *tokenFixture) string { return "btsp_" + strings.Repeat("A", 43) }, false, 1},
		{"same prefix, other secret", func(f *tokenFixture) string { return f.text[:len(f.text)-2] + "AA" }, false, 1},
		{"expired", func(f *tokenFixture) string { f.now = f.token.Expires; return f.text }, false, 1},
		{"revoked", func(f *tokenFixture) string { f.token.Revoked = testNow.Add(-time.Second); return f.text }, false, 1},
		{"disabled user", func(f *tokenFixture) string { f.user.Disabled = true; return f.text }, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTokenFixture(t)
			text := tt.change(f)
			a := planning.NewTokenAuthenticator(f.store, nil, f.clock)
			p, err := a.Authenticate(context.Background(), text)
			if tt.ok {
				if err != nil || p.UserID != 3 || p.Org != carrierVT || !p.Has(planning.RoleCarrier) || p.TokenID != 9 {
					t.Errorf("Authenticate = %+v, %v; want user 3 of %s, carrier", p, err, carrierVT)
				}
			} else {
				if planning.KindOf(err) != planning.Unauthenticated {
					t.Errorf("Authenticate error = %v, want Unauthenticated", err)
				}
				if err != nil && strings.Contains(err.Error(), text) {
					t.Errorf("error %q repeats the token", err)
				}
			}
			if f.lookup != tt.lookup {
				t.Errorf("store lookups = %d, want %d", f.lookup, tt.lookup)
			}
		})
	}
}

// TestTokenCacheHonoursRevocation: a verified token is served from the
// cache for the TTL, and a revocation in the store takes effect when the
// TTL ends; an entry never outlives its token.
func TestTokenCacheHonoursRevocation(t *testing.T) {
	f := newTokenFixture(t)
	var touched int
	f.store.TouchTokenFunc = func(context.Context, int64, time.Time) error { touched++; return nil }
	cache := planning.NewTokenCache(10*time.Second, 0, f.clock)
	a := planning.NewTokenAuthenticator(f.store, cache, f.clock)
	ctx := context.Background()
	steps := []struct {
		name    string
		advance time.Duration
		revoke  bool
		ok      bool
		lookups int
	}{
		{"first use asks the store", 0, false, true, 1},
		{"second use is cached", 5 * time.Second, false, true, 1},
		{"revoked, still cached within the TTL", 4 * time.Second, true, true, 1},
		{"TTL over: the store says revoked", 2 * time.Second, false, false, 2},
		{"refused again, asking again", time.Second, false, false, 3},
	}
	for _, s := range steps {
		f.now = f.now.Add(s.advance)
		if s.revoke {
			f.token.Revoked = f.now
		}
		_, err := a.Authenticate(ctx, f.text)
		if (err == nil) != s.ok || f.lookup != s.lookups {
			t.Fatalf("%s: Authenticate error %v, lookups %d; want ok=%v, lookups %d", s.name, err, f.lookup, s.ok, s.lookups)
		}
	}
	if touched != 1 {
		t.Errorf("last use recorded %d times, want once per cache miss that succeeded (1)", touched)
	}

	// An entry ends with its token, even inside the TTL.
	g := newTokenFixture(t)
	g.token.Expires = g.now.Add(3 * time.Second)
	c2 := planning.NewTokenCache(10*time.Second, 0, g.clock)
	a2 := planning.NewTokenAuthenticator(g.store, c2, g.clock)
	if _, err := a2.Authenticate(ctx, g.text); err != nil {
		t.Fatal(err)
	}
	g.now = g.now.Add(3 * time.Second)
	if _, err := a2.Authenticate(ctx, g.text); planning.KindOf(err) != planning.Unauthenticated {
		t.Errorf("Authenticate after the token expired (cached) error = %v, want Unauthenticated", err)
	}
}

func TestTokenCacheBounded(t *testing.T) {
	now := testNow
	c := planning.NewTokenCache(time.Second, 3, func() time.Time { return now })
	for i := range 5 {
		c.Put([32]byte{byte(i)}, planning.Principal{UserID: int64(i)}, now.Add(time.Hour))
	}
	if c.Len() > 3 {
		t.Errorf("cache holds %d entries, want at most 3", c.Len())
	}
	c.Forget(4)
	if _, ok := c.Get([32]byte{4}); ok {
		t.Errorf("Forget(4) left user 4's token cached")
	}
}

func TestAddUser(t *testing.T) {
	tests := []struct {
		name  string
		user  planning.User
		field string // "" for success
	}{
		{"carrier", planning.User{Name: "lan", Org: carrierVT, Roles: []planning.Role{planning.RoleCarrier}}, ""},
		{"reviewer", planning.User{Name: "minh", Org: "SNNMT", Roles: []planning.Role{planning.RoleReviewer, planning.RoleAnalyst}}, ""},
		{"unknown org", planning.User{Name: "x", Org: "999-99", Roles: []planning.Role{planning.RoleCarrier}}, planning.FieldUserOrg},
		{"unknown role", planning.User{Name: "x", Org: carrierVT, Roles: []planning.Role{"root"}}, planning.FieldUserRole},
		{"system role", planning.User{Name: "x", Org: carrierVT, Roles: []planning.Role{planning.RoleSystem}}, planning.FieldUserRole},
		{"no role", planning.User{Name: "x", Org: carrierVT}, planning.FieldUserRole},
		{"role twice", planning.User{Name: "x", Org: carrierVT, Roles: []planning.Role{planning.RoleAnalyst, planning.RoleAnalyst}}, planning.FieldUserRole},
		{"carrier at an authority", planning.User{Name: "x", Org: "SXD", Roles: []planning.Role{planning.RoleCarrier}}, planning.FieldUserRole},
		{"reviewer at a carrier", planning.User{Name: "x", Org: carrierVT, Roles: []planning.Role{planning.RoleReviewer}}, planning.FieldUserRole},
		{"bad name", planning.User{Name: "a b", Org: carrierVT, Roles: []planning.Role{planning.RoleCarrier}}, planning.FieldUserName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := false
			users := &planningtest.UserStore{CreateUserFunc: func(_ context.Context, u *planning.User) error {
				stored = true
				u.ID = 1
				return nil
			}}
			acc := planning.NewAccounts(users, &planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(orgs...)}, nil, nil)
			u, err := acc.AddUser(context.Background(), tt.user)
			if tt.field == "" {
				if err != nil || !stored || u.ID != 1 {
					t.Errorf("AddUser = %+v, %v; want stored", u, err)
				}
				return
			}
			if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != tt.field || stored {
				t.Errorf("AddUser error = %v (field %q, stored %v), want Invalid naming %q, nothing stored", err, planning.FieldOf(err), stored, tt.field)
			}
		})
	}
}

func TestCreateToken(t *testing.T) {
	var got planning.Token
	users := &planningtest.UserStore{
		UserByNameFunc: func(_ context.Context, name string) (planning.User, error) {
			if name != "lan" {
				return planning.User{}, planning.Errorf(planning.NotFound, "no user")
			}
			return planning.User{ID: 3, Name: "lan"}, nil
		},
		CreateTokenFunc: func(_ context.Context, tk *planning.Token) error { tk.ID = 5; got = *tk; return nil },
	}
	acc := planning.NewAccounts(users, nil, func() time.Time { return testNow }, nil)
	text, tk, err := acc.CreateToken(context.Background(), "lan", 720*time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash != planning.HashToken(text) || got.Prefix != text[:13] || !got.Expires.Equal(testNow.Add(720*time.Hour)) || tk.ID != 5 {
		t.Errorf("stored token = %+v; want the hash and prefix of %q expiring in 720h", got, text)
	}
	for _, ttl := range []time.Duration{0, -time.Hour, 400 * 24 * time.Hour} {
		if _, _, err := acc.CreateToken(context.Background(), "lan", ttl, ""); planning.FieldOf(err) != planning.FieldTTL {
			t.Errorf("CreateToken(ttl %v) error = %v, want Invalid naming ttl", ttl, err)
		}
	}
	if _, _, err := acc.CreateToken(context.Background(), "nobody", time.Hour, ""); planning.KindOf(err) != planning.NotFound {
		t.Errorf("CreateToken(unknown user) error = %v, want NotFound", err)
	}
}

func TestRevokeTokensSelection(t *testing.T) {
	var sel planning.TokenSelector
	users := &planningtest.UserStore{RevokeTokensFunc: func(_ context.Context, s planning.TokenSelector, _ time.Time) (int, error) {
		sel = s
		return 1, nil
	}}
	acc := planning.NewAccounts(users, nil, nil, nil)
	ctx := context.Background()
	text, prefix, _, _ := planning.NewToken(nil)
	if n, err := acc.RevokeTokens(ctx, planning.TokenSelector{}, text); err != nil || n != 1 || sel.Prefix != prefix {
		t.Errorf("RevokeTokens(text) = %d, %v, selector %+v; want the prefix %q", n, err, sel, prefix)
	}
	for _, bad := range []planning.TokenSelector{{}, {ID: 1, UserName: "lan"}} {
		if _, err := acc.RevokeTokens(ctx, bad, ""); planning.KindOf(err) != planning.Invalid {
			t.Errorf("RevokeTokens(%+v) error = %v, want Invalid", bad, err)
		}
	}
	if _, err := acc.RevokeTokens(ctx, planning.TokenSelector{}, "not-a-token"); planning.KindOf(err) != planning.Invalid {
		t.Errorf("RevokeTokens(bad text) error = %v, want Invalid", err)
	}
}

// TestAccountsAudit: each change of users and tokens hands the store one
// audit row naming the actor (As), the action and what changed; a refused
// change hands none.
func TestAccountsAudit(t *testing.T) {
	users := &planningtest.UserStore{
		CreateUserFunc: func(_ context.Context, u *planning.User) error { u.ID = 7; return nil },
		UserByNameFunc: func(_ context.Context, name string) (planning.User, error) {
			return planning.User{ID: 7, Name: name}, nil
		},
		CreateTokenFunc:  func(_ context.Context, tk *planning.Token) error { tk.ID = 5; return nil },
		RevokeTokensFunc: func(context.Context, planning.TokenSelector, time.Time) (int, error) { return 1, nil },
	}
	orgs := &planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(planning.Organization{Code: "452-04", Kind: "carrier"})}
	op := planning.Principal{UserID: 9, Name: "cli:op", Org: "SNNMT"}
	acc := planning.NewAccounts(users, orgs, func() time.Time { return testNow }, nil).As(op)
	ctx := context.Background()
	if _, err := acc.AddUser(ctx, planning.User{Name: "lan", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}}); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.AddUser(ctx, planning.User{Name: "bad name", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}}); err == nil {
		t.Fatal("AddUser(bad name) succeeded")
	}
	if _, _, err := acc.CreateToken(ctx, "lan", time.Hour, "ci"); err != nil {
		t.Fatal(err)
	}
	if _, err := acc.RevokeTokens(ctx, planning.TokenSelector{UserName: "lan"}, ""); err != nil {
		t.Fatal(err)
	}
	want := []struct{ action, key, value string }{
		{"user.add", "roles", "carrier"}, {"token.create", "note", "ci"}, {"token.revoke", "user", "lan"},
	}
	if len(users.Audit) != len(want) {
		t.Fatalf("audit rows = %+v, want %d", users.Audit, len(want))
	}
	for i, w := range want {
		a := users.Audit[i]
		if a.Action != w.action || a.Actor != "cli:op" || a.UserID != 9 || a.Org != "SNNMT" || !a.At.Equal(testNow) || a.Details[w.key] != w.value {
			t.Errorf("audit row %d = %+v, want %s by cli:op with %s=%s", i, a, w.action, w.key, w.value)
		}
	}
	// Without As, the service acts as the system.
	users.Audit = nil
	if _, err := planning.NewAccounts(users, orgs, nil, nil).AddUser(ctx, planning.User{Name: "minh", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}}); err != nil {
		t.Fatal(err)
	}
	if len(users.Audit) != 1 || users.Audit[0].Actor != "system" {
		t.Errorf("audit without As = %+v, want the system", users.Audit)
	}
}

// TestTokenCacheDefaultRevocationBound: with the default TTL, a token
// revoked in the store is refused at the latest DefaultTokenCacheTTL after
// it was last verified, and the bound is the documented 5 s.
func TestTokenCacheDefaultRevocationBound(t *testing.T) {
	if planning.DefaultTokenCacheTTL > 5*time.Second {
		t.Fatalf("DefaultTokenCacheTTL = %v, want at most 5s (README and the revoke command say so)", planning.DefaultTokenCacheTTL)
	}
	f := newTokenFixture(t)
	f.store.TouchTokenFunc = func(context.Context, int64, time.Time) error { return nil }
	a := planning.NewTokenAuthenticator(f.store, planning.NewTokenCache(0, 0, f.clock), f.clock)
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, f.text); err != nil {
		t.Fatalf("Authenticate before the revocation: %v", err)
	}
	f.token.Revoked = f.now
	f.now = f.now.Add(planning.DefaultTokenCacheTTL - time.Millisecond)
	if _, err := a.Authenticate(ctx, f.text); err != nil {
		t.Fatalf("Authenticate inside the TTL (cached) error = %v, want nil", err)
	}
	f.now = f.now.Add(time.Millisecond)
	if _, err := a.Authenticate(ctx, f.text); planning.KindOf(err) != planning.Unauthenticated {
		t.Errorf("Authenticate %v after the last verification, revoked = %v, want Unauthenticated", planning.DefaultTokenCacheTTL, err)
	}
}
