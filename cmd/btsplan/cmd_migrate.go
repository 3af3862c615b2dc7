package main

import (
	"context"
	"fmt"

	"btsplan/data"
)

func cmdMigrate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("migrate", "migrate", env.stderr)
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	if err := cfg.needDB(); err != nil {
		return err
	}
	pool, err := data.Open(ctx, cfg.DatabaseURL, data.PoolConfig{MaxConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := data.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.stdout, "migrate: the schema is up to date")
	}
	for _, v := range applied {
		fmt.Fprintln(env.stdout, "migrate: applied", v)
	}
	return nil
}
