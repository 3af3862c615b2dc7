//go:build !linux

package datatest

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// MeasureCPU reports nothing outside Linux (see cpu.go).
func MeasureCPU(b *testing.B, pool *pgxpool.Pool) (report func()) { return func() {} }
