package data_test

import (
	"context"
	"testing"
	"time"

	"btsplan/data"
	"btsplan/planning"
)

// TestUserChangesAudited: a user, a token and a revocation are written
// with their audit rows in one transaction. An audit row the database
// refuses (no actor) takes the change with it.
func TestUserChangesAudited(t *testing.T) {
	s := newStores(t)
	users := data.NewUserStore(s.db)
	ctx := context.Background()
	now := time.Now()
	ok := planning.AuditEntry{At: now, Actor: "cli:op", Action: "user.add"}
	bad := planning.AuditEntry{At: now, Actor: "", Action: "user.add"} // audit_event's CHECK refuses it
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.pool.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	lost := planning.User{Name: "lost", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}}
	if err := users.CreateUser(ctx, &lost, bad); err == nil {
		t.Fatal("CreateUser with a refused audit row succeeded")
	}
	if n := count(`SELECT count(*) FROM app_user WHERE name = 'lost'`); n != 0 {
		t.Errorf("the user of a refused audit row was stored (%d rows)", n)
	}
	lan := planning.User{Name: "lan", Org: "452-04", Roles: []planning.Role{planning.RoleCarrier}}
	if err := users.CreateUser(ctx, &lan, ok); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM audit_event WHERE action = 'user.add' AND payload->>'user_id' = $1::bigint::text`, lan.ID); n != 1 {
		t.Errorf("%d user.add rows naming user %d, want 1", n, lan.ID)
	}

	tok := func(prefix string) *planning.Token {
		return &planning.Token{UserID: lan.ID, Prefix: prefix, Hash: planning.HashToken(prefix), Expires: now.Add(time.Hour)}
	}
	if err := users.CreateToken(ctx, tok("btsp_AAAAAAAA"), planning.AuditEntry{At: now, Action: "token.create"}); err == nil {
		t.Fatal("CreateToken with a refused audit row succeeded")
	}
	t1 := tok("btsp_BBBBBBBB")
	if err := users.CreateToken(ctx, t1, planning.AuditEntry{At: now, Actor: "cli:op", Action: "token.create"}); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM api_token`); n != 1 {
		t.Errorf("%d tokens stored, want 1 (the one with a refused audit row is not)", n)
	}
	if n := count(`SELECT count(*) FROM audit_event WHERE action = 'token.create' AND payload->>'token_id' = $1::bigint::text`, t1.ID); n != 1 {
		t.Errorf("%d token.create rows naming token %d, want 1", n, t1.ID)
	}

	sel := planning.TokenSelector{UserName: "lan"}
	if _, err := users.RevokeTokens(ctx, sel, now, planning.AuditEntry{At: now, Action: "token.revoke"}); err == nil {
		t.Fatal("RevokeTokens with a refused audit row succeeded")
	}
	if n := count(`SELECT count(*) FROM api_token WHERE revoked_at IS NULL`); n != 1 {
		t.Errorf("a revocation whose audit row was refused took effect")
	}
	if n, err := users.RevokeTokens(ctx, sel, now, planning.AuditEntry{At: now, Actor: "cli:op", Action: "token.revoke"}); err != nil || n != 1 {
		t.Fatalf("RevokeTokens = %d, %v", n, err)
	}
	if n, err := users.RevokeTokens(ctx, sel, now, planning.AuditEntry{At: now, Actor: "cli:op", Action: "token.revoke"}); err != nil || n != 0 {
		t.Fatalf("RevokeTokens again = %d, %v; want 0", n, err)
	}
	if n := count(`SELECT count(*) FROM audit_event WHERE action = 'token.revoke' AND payload->>'token_ids' = $1::bigint::text`, t1.ID); n != 1 {
		t.Errorf("%d token.revoke rows naming token %d, want 1 (none for a revocation that revoked nothing)", n, t1.ID)
	}
}
