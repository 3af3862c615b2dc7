package main

import (
	"context"
	"errors"
)

// errNotInBuild is the answer of a command whose engine is not wired into
// this build yet. It is an error, never a silent success.
var errNotInBuild = errors.New("not available in this build yet (see README, Status)")

func cmdCoverage(ctx context.Context, env *environment, args []string) error {
	return errNotInBuild
}

func runImportDEM(ctx context.Context, env *environment, args []string) error {
	return errNotInBuild
}
