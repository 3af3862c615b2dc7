package data_test

import (
	"context"
	"testing"

	"btsplan/data"
	"btsplan/data/datatest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	pool := datatest.New(t)
	applied, err := data.Migrate(context.Background(), pool)
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %v, want nothing", applied)
	}
	ms, err := data.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
	}
}
