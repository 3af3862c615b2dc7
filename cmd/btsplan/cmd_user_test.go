package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/planning"
)

// TestUserAndTokenCommands adds users, creates tokens that authenticate,
// and revokes them by text, id and user, through run().
func TestUserAndTokenCommands(t *testing.T) {
	env := newTestEnv(t, datatest.NewURL(t))
	env["USER"] = "operator" // named in the audit rows
	ctx := context.Background()

	adds := []struct {
		name string
		args []string
		want string // "" for success, else a part of the error
	}{
		{"carrier", []string{"--name", "lan", "--org", "452-04", "--role", "carrier"}, ""},
		{"reviewer and analyst", []string{"--name", "minh", "--org", "SNNMT", "--role", "reviewer", "--role", "analyst", "--province", "25"}, ""},
		{"taken name", []string{"--name", "lan", "--org", "452-04", "--role", "carrier"}, "--name"},
		{"unknown org", []string{"--name", "x", "--org", "999-99", "--role", "carrier"}, "--org"},
		{"unknown role", []string{"--name", "x", "--org", "452-04", "--role", "root"}, "--role"},
		{"no role", []string{"--name", "x", "--org", "452-04"}, "--role"},
		{"carrier role at an authority", []string{"--name", "x", "--org", "SXD", "--role", "carrier"}, "--role"},
	}
	for _, tt := range adds {
		t.Run("user add/"+tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, env, append([]string{"user", "add"}, tt.args...)...)
			if tt.want == "" {
				if err != nil || !strings.Contains(out, "user ") {
					t.Errorf("user add = %q, %v; want success", out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("user add error = %v, want one naming %s", err, tt.want)
			}
		})
	}

	pool, err := data.Open(ctx, env["DATABASE_URL"], data.PoolConfig{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	auth := planning.NewTokenAuthenticator(data.NewUserStore(data.NewDB(pool, data.PoolConfig{})), nil, nil)

	create := func(user string, extra ...string) (string, string) {
		t.Helper()
		out, _, err := runCmd(t, env, append([]string{"token", "create", "--user", user}, extra...)...)
		if err != nil {
			t.Fatalf("token create --user %s: %v", user, err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		id := regexp.MustCompile(`^token (\d+) `).FindStringSubmatch(lines[0])
		if len(lines) != 2 || id == nil || !strings.HasPrefix(lines[1], "btsp_") {
			t.Fatalf("token create printed %q; want a line naming the token, then the token alone", out)
		}
		return lines[1], id[1]
	}
	tok1, _ := create("lan")
	tok2, id2 := create("lan", "--ttl", "1h")
	tok3, _ := create("minh")
	for _, tok := range []string{tok1, tok2, tok3} {
		if _, err := auth.Authenticate(ctx, tok); err != nil {
			t.Fatalf("Authenticate(new token): %v", err)
		}
	}
	p, _ := auth.Authenticate(ctx, tok3)
	if p.Name != "minh" || p.Org != "SNNMT" || p.Province != "25" || !p.Has(planning.RoleReviewer) || !p.Has(planning.RoleAnalyst) {
		t.Errorf("minh's principal = %+v", p)
	}
	var stored int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM api_token WHERE hash = sha256(convert_to($1, 'UTF8')) AND prefix = left($1, 13)", tok1).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("tokens stored as SHA-256 of the text with its prefix = %d, %v; want 1", stored, err)
	}

	for _, bad := range [][]string{{"token", "create", "--user", "nobody"}, {"token", "create", "--user", "lan", "--ttl", "0s"}, {"token", "revoke"}} {
		if _, _, err := runCmd(t, env, bad...); err == nil {
			t.Errorf("%v succeeded, want an error", bad)
		}
	}

	revokes := []struct {
		args    []string
		revoked []string
		kept    []string
	}{
		{[]string{"--token", tok1}, []string{tok1}, []string{tok2, tok3}},
		{[]string{"--id", id2}, []string{tok2}, []string{tok3}},
		{[]string{"--user", "minh"}, []string{tok3}, nil},
	}
	for _, r := range revokes {
		if out, _, err := runCmd(t, env, append([]string{"token", "revoke"}, r.args...)...); err != nil || !strings.Contains(out, "revoked 1") {
			t.Fatalf("token revoke %v = %q, %v", r.args, out, err)
		}
		for _, tok := range r.revoked {
			if _, err := auth.Authenticate(ctx, tok); planning.KindOf(err) != planning.Unauthenticated {
				t.Errorf("after revoke %v: Authenticate = %v, want Unauthenticated", r.args, err)
			}
		}
		for _, tok := range r.kept {
			if _, err := auth.Authenticate(ctx, tok); err != nil {
				t.Errorf("after revoke %v: another token was refused: %v", r.args, err)
			}
		}
	}
	if _, _, err := runCmd(t, env, "token", "revoke", "--user", "minh"); err == nil || !strings.Contains(err.Error(), "no active token") {
		t.Errorf("revoking again: %v, want no active token matched", err)
	}

	// Every change left one audit row, written with it; the refused ones none.
	rows, err := pool.Query(ctx, `SELECT action, actor, payload->>'user', payload ? 'token_id' OR payload ? 'token_ids' OR payload ? 'user_id'
		FROM audit_event WHERE action LIKE 'user.%' OR action LIKE 'token.%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var action, actor string
		var user *string
		var ids bool
		if err := rows.Scan(&action, &actor, &user, &ids); err != nil {
			t.Fatal(err)
		}
		if actor != "cli:"+env["USER"] || !ids {
			t.Errorf("audit row %s: actor %q, ids recorded %v; want cli:%s and the ids", action, actor, ids, env["USER"])
		}
		u := ""
		if user != nil {
			u = *user
		}
		got = append(got, action+" "+u)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"user.add lan", "user.add minh", "token.create lan", "token.create lan", "token.create minh",
		"token.revoke ", "token.revoke ", "token.revoke minh"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
