package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"btsplan/data"
	"btsplan/planning"
)

// repeated is a flag that may be given more than once.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// openAccounts opens the database and returns the user accounts over it.
func openAccounts(ctx context.Context, env *environment) (*planning.Accounts, func(), error) {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.needDB(); err != nil {
		return nil, nil, err
	}
	pool, err := data.Open(ctx, cfg.DatabaseURL, data.PoolConfig{MaxConns: 2})
	if err != nil {
		return nil, nil, err
	}
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: cfg.QueryTimeout})
	acc := planning.NewAccounts(data.NewUserStore(db), data.NewOrgStore(db), nil, nil).As(cliActor(env))
	return acc, pool.Close, nil
}

// cliActor is who the audit rows of a CLI command name: "cli", and the
// operator's login name when the environment gives one ($USER). The CLI
// holds the database's rights; it has no user of its own.
func cliActor(env *environment) planning.Principal {
	name := "cli"
	if u := strings.TrimSpace(env.getenv("USER")); u != "" && planning.CheckLine("USER", u, planning.MaxCodeChars) == nil {
		name += ":" + u
	}
	return planning.Principal{Name: name, Roles: []planning.Role{planning.RoleSystem}}
}

// accountFlagError names the flag behind a planning error that names a
// field (planning.FieldUserName is --name, and so on).
func accountFlagError(err error) error {
	if f := planning.FieldOf(err); f != "" {
		var pe *planning.Error
		if errors.As(err, &pe) {
			return fmt.Errorf("--%s: %w", f, pe.Err)
		}
	}
	return err
}

func cmdUser(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(env.stderr, "usage: btsplan user add --name NAME --org CODE --role ROLE [--role ROLE] [--province CODE]")
		return errUsage
	}
	fs := newFlags("user add", "user add --name NAME --org CODE --role carrier|reviewer|analyst|admin [--role …] [--province CODE]", env.stderr)
	name := fs.String("name", "", "the user's name (letters, digits and . _ @ -)")
	org := fs.String("org", "", "the code of the user's organization (an MNC such as 452-04, or an authority such as SNNMT)")
	province := fs.String("province", "", "the province a reviewer works for (top-level admin unit code); empty for every province")
	var roles repeated
	fs.Var(&roles, "role", "a role: carrier, reviewer, analyst or admin (repeat for several)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return helpOK(err)
	}
	acc, done, err := openAccounts(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	u := planning.User{Name: *name, Org: *org, Province: *province}
	for _, r := range roles {
		u.Roles = append(u.Roles, planning.Role(r))
	}
	u, err = acc.AddUser(ctx, u)
	if err != nil {
		return accountFlagError(err)
	}
	rs := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		rs[i] = string(r)
	}
	fmt.Fprintf(env.stdout, "user %s (id %d) of %s: %s\n", u.Name, u.ID, u.Org, strings.Join(rs, ", "))
	return nil
}
