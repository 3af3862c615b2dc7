package data_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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

// benchBox is the ~30 km box the benchmarks and the 50k layer use, around Tam
// Đảo: lon 105.50..105.79 E, lat 21.30..21.57 N.
var benchBox = struct{ lon, lat, dLon, dLat float64 }{105.50, 21.30, 0.29, 0.27}

// polygonsFile returns a FeatureCollection of n small octagons (radius 30 to
// 100 m) at random places in benchBox, with three properties each, like a
// land-use layer. The same seed gives the same file.
func polygonsFile(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.Grow(n * 420)
	b.WriteString(`{"type":"FeatureCollection","name":"bench","features":[` + "\n")
	for i := range n {
		cx := benchBox.lon + r.Float64()*benchBox.dLon
		cy := benchBox.lat + r.Float64()*benchBox.dLat
		rad := 0.0003 + r.Float64()*0.0007
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"ma":"RDD","ten":"Khu %d Tam Đảo","dien_tich":%.2f},"geometry":{"type":"Polygon","coordinates":[[`, i, rad*1e5)
		for k := 0; k <= 8; k++ {
			a := 2 * math.Pi * float64(k%8) / 8
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "[%.7f,%.7f]", cx+rad*math.Cos(a), cy+rad*math.Sin(a))
		}
		b.WriteString("]]}}")
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
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
