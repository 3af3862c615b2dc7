package data

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/planning"
)

var (
	//go:embed sql/survey.sql
	qSurvey string
	//go:embed sql/plan_cache_generic.sql
	qPlanCacheGeneric string
	//go:embed sql/plan_cache_reset.sql
	qPlanCacheReset string
	//go:embed sql/current_layer_versions.sql
	qCurrentLayerVersions string
	//go:embed sql/conflict_geometry.sql
	qConflictGeometry string
)

// ZoneStore reads the zones of the current layer versions; it implements
// planning.ZoneStore.
type ZoneStore struct {
	db *DB
}

var (
	_ planning.ZoneStore = (*ZoneStore)(nil)
	_ planning.Surveyor  = (*ZoneStore)(nil)
)

// NewZoneStore returns a ZoneStore on db.
func NewZoneStore(db *DB) *ZoneStore { return &ZoneStore{db: db} }

// Survey reads, in one statement, the carrier, the admin units at the
// site, the current layer versions and the zones of each kind in
// q.KindRadiiM within that kind's radius of the site point or footprint,
// nearest first, with
// the distances (m) and the footprint overlap (m²) computed by PostGIS on
// geography (sql/survey.sql). Errors: Invalid for a bad location or
// radius, Unavailable.
func (s *ZoneStore) Survey(ctx context.Context, q planning.SurveyQuery) (planning.Survey, error) {
	const op = "survey site"
	kinds := make([]string, 0, len(q.KindRadiiM))
	for k := range q.KindRadiiM {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	radii := make([]float64, len(kinds))
	for i, k := range kinds {
		radii[i] = q.KindRadiiM[k]
	}
	sv, err := s.survey(ctx, q.Carrier, q.Location, q.Footprint, q.At, kinds, radii)
	if err != nil {
		return planning.Survey{}, opError(op, err)
	}
	return sv, nil
}

// ZonesNear returns every zone of a current layer version (of q.Kinds, all
// kinds when empty) within q.RadiusM metres of the site point or of its
// footprint (a kind in q.KindRadiiM within its own radius, at most
// q.RadiusM), nearest first, as Survey finds them.
// Errors: Invalid for a bad location or radius, Unavailable.
func (s *ZoneStore) ZonesNear(ctx context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error) {
	const op = "zones near site"
	if math.IsNaN(q.RadiusM) || math.IsInf(q.RadiusM, 0) || q.RadiusM < 0 {
		return nil, opError(op, planning.FieldError("radius_m", "radius %v m is not a distance", q.RadiusM))
	}
	kinds := q.Kinds
	if len(kinds) == 0 {
		kinds = planning.LayerKinds
	}
	radii := make([]float64, len(kinds))
	for i, k := range kinds {
		r, ok := q.KindRadiiM[k]
		if !ok || r > q.RadiusM {
			r = q.RadiusM
		}
		radii[i] = r
	}
	sv, err := s.survey(ctx, "", q.Location, q.Footprint, time.Now(), kinds, radii)
	if err != nil {
		return nil, opError(op, err)
	}
	return sv.Hits, nil
}

// survey runs sql/survey.sql: kinds[i] is searched within radiiM[i] m.
func (s *ZoneStore) survey(ctx context.Context, carrier string, loc orb.Point, footprint orb.Polygon, at time.Time, kinds []string, radiiM []float64) (planning.Survey, error) {
	if err := checkPoint(loc, "location"); err != nil {
		return planning.Survey{}, err
	}
	for i, r := range radiiM {
		if math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
			return planning.Survey{}, planning.FieldError("radius_m", "radius %v m of kind %q is not a distance", r, kinds[i])
		}
	}
	pt, err := ewkbOf(loc)
	if err != nil {
		return planning.Survey{}, err
	}
	var fp []byte
	if len(footprint) > 0 {
		if fp, err = ewkbOf(footprint); err != nil {
			return planning.Survey{}, err
		}
	}
	var (
		org struct{ code, name, kind *string }
		u   struct {
			codes, names, levels, parents []string
			from                          []time.Time
			to                            []*time.Time
		}
		v struct {
			names    []string
			versions []int32
		}
		h struct {
			ids                                   []int64
			layers, kinds, categories, names      []string
			versions                              []int32
			distM, fpDistM, fpOverlapM2, lon, lat []float64
		}
	)
	// The survey's plan is the same for every site (nested loops over the
	// GiST indexes), but PostgreSQL's choice between a custom and a generic
	// plan keeps replanning it at every execution, which costs a quarter of
	// its time. The SET and the RESET go in the same round trip, one
	// implicit transaction: an error rolls the SET back, so the connection
	// returns to the pool as it was.
	var b pgx.Batch
	b.Queue(qPlanCacheGeneric)
	b.Queue(qSurvey, pt, fp, kinds, radiiM, vnDate(at), carrier).QueryRow(func(r pgx.Row) error {
		return r.Scan(&org.code, &org.name, &org.kind,
			&u.codes, &u.names, &u.levels, &u.parents, &u.from, &u.to,
			&v.names, &v.versions,
			&h.ids, &h.layers, &h.kinds, &h.versions, &h.categories, &h.names,
			&h.distM, &h.fpDistM, &h.fpOverlapM2, &h.lon, &h.lat)
	})
	b.Queue(qPlanCacheReset)
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	if err := s.db.pool.SendBatch(ctx, &b).Close(); err != nil {
		return planning.Survey{}, translate(err)
	}
	sv := planning.Survey{
		Units:         make([]planning.AdminUnit, len(u.codes)),
		LayerVersions: make(map[string]int, len(v.names)),
		Hits:          make([]planning.ZoneHit, len(h.ids)),
	}
	if org.code != nil {
		sv.Carrier = &planning.Organization{Code: *org.code, Name: *org.name, Kind: *org.kind}
	}
	for i := range sv.Units {
		unit := planning.AdminUnit{Code: u.codes[i], Name: u.names[i], Level: u.levels[i], Parent: u.parents[i],
			ValidFrom: fromDate(u.from[i])}
		if to := u.to[i]; to != nil {
			t := fromDate(*to)
			unit.ValidTo = &t
		}
		sv.Units[i] = unit
	}
	for i, name := range v.names {
		sv.LayerVersions[name] = int(v.versions[i])
	}
	for i := range sv.Hits {
		sv.Hits[i] = planning.ZoneHit{ZoneID: h.ids[i], LayerName: h.layers[i], LayerKind: h.kinds[i],
			LayerVersion: int(h.versions[i]), Category: h.categories[i], Name: h.names[i],
			DistanceM: h.distM[i], FootprintDistanceM: h.fpDistM[i], FootprintOverlapM2: h.fpOverlapM2[i],
			NearestPoint: orb.Point{h.lon[i], h.lat[i]}}
	}
	return sv, nil
}

// CurrentLayerVersions returns layer name → current version.
// Errors: Unavailable.
func (s *ZoneStore) CurrentLayerVersions(ctx context.Context) (map[string]int, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qCurrentLayerVersions)
	if err != nil {
		return nil, opError("current layer versions", translate(err))
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var v int32
		if err := rows.Scan(&name, &v); err != nil {
			return nil, opError("current layer versions", translate(err))
		}
		out[name] = int(v)
	}
	if err := rows.Err(); err != nil {
		return nil, opError("current layer versions", translate(err))
	}
	return out, nil
}

// ConflictGeometry returns the part of zone zoneID within radiusM metres of
// the site (of its footprint when given, else of its point), EPSG:4326; with
// radiusM 0, the part on the site itself. It returns nil when nothing of the
// zone is left. The buffer is taken on geography.
// Errors: NotFound for an unknown zone, Invalid, Unavailable.
func (s *ZoneStore) ConflictGeometry(ctx context.Context, zoneID int64, loc orb.Point, footprint orb.Polygon, radiusM float64) (orb.Geometry, error) {
	op := fmt.Sprintf("conflict geometry of zone %d", zoneID)
	if err := checkPoint(loc, "location"); err != nil {
		return nil, opError(op, err)
	}
	if math.IsNaN(radiusM) || math.IsInf(radiusM, 0) || radiusM < 0 {
		return nil, opError(op, planning.FieldError("radius_m", "radius %v m is not a distance", radiusM))
	}
	pt, err := ewkbOf(loc)
	if err != nil {
		return nil, opError(op, err)
	}
	var fp []byte
	if len(footprint) > 0 {
		if fp, err = ewkbOf(footprint); err != nil {
			return nil, opError(op, err)
		}
	}
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var wkb []byte
	if err := s.db.pool.QueryRow(ctx, qConflictGeometry, zoneID, pt, fp, radiusM).Scan(&wkb); err != nil {
		return nil, opError(op, translate(err))
	}
	g, err := orbOf(wkb)
	if err != nil {
		return nil, opError(op, err)
	}
	return g, nil
}

// checkPoint returns an Invalid error about field unless p is a [lon, lat]
// point on the Earth.
func checkPoint(p orb.Point, field string) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return planning.FieldError(field, "(%v, %v) is not a [lon, lat] point", lon, lat)
	}
	return nil
}
