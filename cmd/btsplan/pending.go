package main

import (
	"context"
	"errors"
)

// cmdCoverage is not wired into this build yet; it answers an error, never
// a silent success.
func cmdCoverage(ctx context.Context, env *environment, args []string) error {
	return errors.New("coverage: not available in this build yet")
}
