package data_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/planning"
)

// stores is every store of data/ on one throwaway schema.
type stores struct {
	pool      *pgxpool.Pool
	db        *data.DB
	layers    *data.LayerStore
	zones     *data.ZoneStore
	admin     *data.AdminStore
	orgs      *data.OrgStore
	proposals *data.ProposalStore
}

// newStores gives a test a migrated schema and the stores on it.
func newStores(tb testing.TB) stores {
	tb.Helper()
	pool := datatest.New(tb)
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	return stores{
		pool:      pool,
		db:        db,
		layers:    data.NewLayerStore(db, nil),
		zones:     data.NewZoneStore(db),
		admin:     data.NewAdminStore(db),
		orgs:      data.NewOrgStore(db),
		proposals: data.NewProposalStore(db),
	}
}

// count returns the result of a count(*) query.
func count(tb testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// fc returns a FeatureCollection of the given feature texts.
func fc(features ...string) string {
	return `{"type": "FeatureCollection", "features": [` + strings.Join(features, ",\n") + `]}`
}

// feat returns a Feature text with the given properties and geometry JSON.
func feat(props, geometry string) string {
	return `{"type": "Feature", "properties": ` + props + `, "geometry": ` + geometry + `}`
}

// square returns a GeoJSON Polygon: the square of side sideDeg degrees
// whose south-west corner is (lon, lat).
func square(lon, lat, sideDeg float64) string {
	return fmt.Sprintf(`{"type": "Polygon", "coordinates": [[[%[1]v, %[2]v], [%[3]v, %[2]v], [%[3]v, %[4]v], [%[1]v, %[4]v], [%[1]v, %[2]v]]]}`,
		lon, lat, lon+sideDeg, lat+sideDeg)
}

// importString imports body as layer name of kind with category code.
func importString(tb testing.TB, s stores, kind, name, category, body string) planning.ImportReport {
	tb.Helper()
	rep, err := s.layers.ImportLayer(context.Background(),
		planning.LayerSpec{Kind: kind, Name: name, Category: category}, strings.NewReader(body), nil)
	if err != nil {
		tb.Fatalf("ImportLayer(%s) error: %v", name, err)
	}
	return rep
}

// sharedData returns the path of a file of ../shared/data beside the project (or of
// $BTSPLAN_SHARED_DATA). A missing file fails the test when CI is set and
// skips it otherwise: the data is never copied into the project.
func sharedData(tb testing.TB, rel string) string {
	tb.Helper()
	dir := os.Getenv("BTSPLAN_SHARED_DATA")
	if dir == "" {
		// CI and every checkout keep ../shared beside the project; tests run
		// in the package folder, data/.
		dir = filepath.Join("..", "..", "shared", "data")
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("shared data %s is missing but CI is set: CI runs with ../shared beside the project: %v", p, err)
		}
		tb.Skipf("shared data %s is missing (set BTSPLAN_SHARED_DATA to its folder): %v", p, err)
	}
	return p
}
