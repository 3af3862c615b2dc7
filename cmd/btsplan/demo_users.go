package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"btsplan/planning"
)

// demoTokensFile is where the demo writes its users' tokens, under the
// project's git-ignored .local/; README's tours source it.
const demoTokensFile = ".local/demo-tokens.env"

// demoTokenTTL is how long the demo's tokens last.
const demoTokenTTL = 30 * 24 * time.Hour

// demoUser is one user of the demo and the variable its token goes in.
type demoUser struct {
	env, name, org string
	role           planning.Role
}

// demoUsers are one user per role: a carrier of Viettel (452-04), a
// reviewer of the lead authority (SNNMT), an analyst and an admin; and a
// reviewer of every other authority the rules name, so that the README's
// workflow tour can collect the signatures a CONDITIONAL finding asks for.
func demoUsers(book *planning.RuleBook) []demoUser {
	us := []demoUser{
		{"BTSPLAN_TOKEN_CARRIER", "demo-carrier", "452-04", planning.RoleCarrier},
		{"BTSPLAN_TOKEN_REVIEWER", "demo-reviewer", planning.DefaultLeadAuthority, planning.RoleReviewer},
		{"BTSPLAN_TOKEN_ANALYST", "demo-analyst", planning.DefaultLeadAuthority, planning.RoleAnalyst},
		{"BTSPLAN_TOKEN_ADMIN", "demo-admin", planning.DefaultLeadAuthority, planning.RoleAdmin},
	}
	for _, code := range book.AuthorityCodes() {
		if code == planning.DefaultLeadAuthority {
			continue
		}
		us = append(us, demoUser{"BTSPLAN_TOKEN_REVIEWER_" + strings.ToUpper(strings.ReplaceAll(code, "-", "_")),
			"demo-reviewer-" + strings.ToLower(code), code, planning.RoleReviewer})
	}
	return us
}

// loadDemoUsers adds the demo users that are missing, revokes their
// earlier tokens, gives each a new one and writes them to path as shell
// exports (mode 0600). Running it again is safe: the users stay, the old
// tokens stop working and the file has the new ones.
func loadDemoUsers(ctx context.Context, a *app, path string, env *environment) error {
	acc := planning.NewAccounts(a.users, a.orgs, nil, nil)
	var b strings.Builder
	b.WriteString("# btsplan demo tokens (btsplan demo writes this file anew each run; do not commit it)\n")
	for _, u := range demoUsers(a.book) {
		_, err := acc.AddUser(ctx, planning.User{Name: u.name, Org: u.org, Roles: []planning.Role{u.role}})
		if err != nil && planning.KindOf(err) != planning.Exists {
			return fmt.Errorf("demo user %s: %w", u.name, err)
		}
		if _, err := acc.RevokeTokens(ctx, planning.TokenSelector{UserName: u.name}, ""); err != nil && planning.KindOf(err) != planning.NotFound {
			return fmt.Errorf("demo user %s: revoke old tokens: %w", u.name, err)
		}
		text, _, err := acc.CreateToken(ctx, u.name, demoTokenTTL, "btsplan demo")
		if err != nil {
			return fmt.Errorf("demo user %s: %w", u.name, err)
		}
		fmt.Fprintf(&b, "export %s=%s\n", u.env, text)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("demo tokens: %w", err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("demo tokens: %w", err)
	}
	fmt.Fprintf(env.stdout, "demo: users carrier, reviewer, analyst and admin (and a reviewer per authority); their tokens are in %s (source it)\n", path)
	return nil
}
