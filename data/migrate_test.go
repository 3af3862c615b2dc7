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
	// River's tables are in the test's own schema, not in public, so that
	// each test schema has a queue of its own.
	var job, public string
	if err := pool.QueryRow(context.Background(),
		"SELECT coalesce(to_regclass(current_schema() || '.river_job')::text, ''), coalesce(to_regclass('public.river_job')::text, '')").Scan(&job, &public); err != nil {
		t.Fatal(err)
	}
	if job == "" || public != "" {
		t.Errorf("river_job in the test schema: %q, in public: %q; want it in the test schema only", job, public)
	}
}
