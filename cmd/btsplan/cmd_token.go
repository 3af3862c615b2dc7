package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"btsplan/planning"
)

func cmdToken(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		fmt.Fprintln(env.stderr, "usage: btsplan token create --user NAME [--ttl 720h] | btsplan token revoke (--token T | --id N | --user NAME)")
		return errUsage
	}
	if args[0] == "create" {
		return tokenCreate(ctx, env, args[1:])
	}
	return tokenRevoke(ctx, env, args[1:])
}

func tokenCreate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("token create", "token create --user NAME [--ttl 720h] [--note TEXT]", env.stderr)
	user := fs.String("user", "", "the user the token authenticates")
	ttl := fs.Duration("ttl", planning.DefaultTokenTTL, "how long the token is valid")
	note := fs.String("note", "", "what the token is for")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if *user == "" {
		return fmt.Errorf("--user: the user is required")
	}
	acc, done, err := openAccounts(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	text, t, err := acc.CreateToken(ctx, *user, *ttl, *note)
	if planning.KindOf(err) == planning.NotFound {
		return fmt.Errorf("--user: no user %q", *user)
	}
	if err != nil {
		return accountFlagError(err)
	}
	// The token is shown once and only here; the database keeps its hash.
	// It is alone on the last line, so that scripts can take it with tail -1.
	fmt.Fprintf(env.stdout, "token %d (%s…) for %s, valid until %s\n", t.ID, t.Prefix, *user, t.Expires.UTC().Format(time.RFC3339))
	fmt.Fprintln(env.stdout, text)
	return nil
}

func tokenRevoke(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("token revoke", "token revoke (--token T | --id N | --user NAME)", env.stderr)
	token := fs.String("token", "", "the token's text")
	id := fs.Int64("id", 0, "the token's id (as token create printed it)")
	user := fs.String("user", "", "revoke every active token of this user")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	acc, done, err := openAccounts(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	n, err := acc.RevokeTokens(ctx, planning.TokenSelector{ID: *id, UserName: *user}, *token)
	switch {
	case planning.KindOf(err) == planning.NotFound:
		return fmt.Errorf("no active token matched")
	case planning.FieldOf(err) == "token":
		var pe *planning.Error
		errors.As(err, &pe)
		return fmt.Errorf("--token, --id or --user: %w", pe.Err)
	case err != nil:
		return err
	}
	fmt.Fprintf(env.stdout, "revoked %d token(s); a running server stops accepting them within %v\n", n, planning.DefaultTokenCacheTTL)
	return nil
}
