// Package datatest gives data/ tests a real, migrated, throwaway PostGIS
// schema. Tests never mock the database.
package datatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"btsplan/data"
)

// URL returns TEST_DATABASE_URL. When it is empty the test is skipped,
// or failed when CI is set: database tests must run in CI.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TEST_DATABASE_URL is not set but CI is: database tests must run in CI (make test sets it)")
		}
		t.Skip("TEST_DATABASE_URL is not set; run `make test`, which starts a private PostGIS")
	}
	return u
}

// New creates a schema with a random name, points every connection of a
// new pool at it (with public, where PostGIS lives, second), applies the
// migrations, loads testdata/*.sql of the calling package in name order,
// and drops the schema when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b[:])

	admin, err := data.Open(ctx, url, data.PoolConfig{MaxConns: 2})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	// The extensions go in public, before any schema of a test exists: a
	// migration's CREATE EXTENSION would otherwise put one in the first
	// test schema, and dropping that schema would drop it for all.
	for _, ext := range []string{"postgis", "btree_gist"} {
		if _, err := admin.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext); err != nil {
			admin.Close()
			t.Fatalf("create %s: %v", ext, err)
		}
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})

	pool, err := data.Open(ctx, withSearchPath(url, schema), data.PoolConfig{MaxConns: 8})
	if err != nil {
		t.Fatalf("open test schema: %v", err)
	}
	t.Cleanup(pool.Close)
	if _, err := data.Migrate(ctx, pool); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	files, _ := filepath.Glob("testdata/*.sql")
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, string(b)); err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
	}
	return pool
}

// withSearchPath returns url with its search_path set to schema, public.
func withSearchPath(url, schema string) string {
	sep := "?"
	for _, c := range url {
		if c == '?' {
			sep = "&"
			break
		}
	}
	return url + sep + "search_path=" + schema + ",public"
}

// NewURL is New for code that opens its own pool, such as a command run
// in-process: it returns the connection URL of a fresh migrated schema,
// dropped when the test ends.
func NewURL(t testing.TB) string {
	t.Helper()
	return New(t).Config().ConnString()
}
