package main

import "context"

func cmdITM(ctx context.Context, env *environment, args []string) error {
	return runITM(ctx, args, env.stdout, env.stderr)
}
