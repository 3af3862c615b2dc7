package main

import (
	"context"
	"fmt"
)

// cmdWorker works the job queue without serving HTTP, so that coverages
// (and later analyses) can run on other machines than the API: any number
// of workers, and serve's own, share the queue in PostgreSQL.
func cmdWorker(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("worker", "worker", env.stderr)
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	if cfg.Workers == 0 {
		return fmt.Errorf("BTSPLAN_WORKERS=0: a worker needs at least 1")
	}
	a, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	stop, err := a.startWorkers(ctx, cfg.Workers)
	if err != nil {
		return err
	}
	a.log.Info("working the job queue", "workers", cfg.Workers)
	fmt.Fprintf(env.stdout, "btsplan: working the job queue with %d coverage worker(s) (Ctrl-C stops)\n", cfg.Workers)
	<-ctx.Done()
	a.log.Info("stopping workers")
	stop()
	return nil
}
