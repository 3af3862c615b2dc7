package data

import (
	"context"
	_ "embed"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/planning"
)

var (
	//go:embed sql/zones_near.sql
	qZonesNear string
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

var _ planning.ZoneStore = (*ZoneStore)(nil)

// NewZoneStore returns a ZoneStore on db.
func NewZoneStore(db *DB) *ZoneStore { return &ZoneStore{db: db} }

// ZonesNear returns every zone of a current layer version (of q.Kinds, all
// kinds when empty) within q.RadiusM metres of the site point or of its
// footprint, nearest first, with the distances (m) and the footprint
// overlap (m²) computed by PostGIS on geography. It is one query, answered
// by the GiST index on zone.geom::geography.
// Errors: Invalid for a bad location or radius, Unavailable.
func (s *ZoneStore) ZonesNear(ctx context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error) {
	const op = "zones near site"
	if err := checkPoint(q.Location, "location"); err != nil {
		return nil, opError(op, err)
	}
	if math.IsNaN(q.RadiusM) || math.IsInf(q.RadiusM, 0) || q.RadiusM < 0 {
		return nil, opError(op, planning.FieldError("radius_m", "radius %v m is not a distance", q.RadiusM))
	}
	pt, err := ewkbOf(q.Location)
	if err != nil {
		return nil, opError(op, err)
	}
	var fp []byte
	if len(q.Footprint) > 0 {
		if fp, err = ewkbOf(q.Footprint); err != nil {
			return nil, opError(op, err)
		}
	}
	// Each kind is searched to its own radius (see ZoneQuery.KindRadiiM).
	kinds := make([]string, 0, len(q.Kinds))
	radii := make([]float64, 0, len(q.Kinds))
	for _, k := range q.Kinds {
		r, ok := q.KindRadiiM[k]
		if !ok || r > q.RadiusM {
			r = q.RadiusM
		}
		if math.IsNaN(r) || r < 0 {
			return nil, opError(op, planning.FieldError("radius_m", "radius %v m of kind %q is not a distance", r, k))
		}
		kinds = append(kinds, k)
		radii = append(radii, r)
	}
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qZonesNear, pt, fp, q.RadiusM, kinds, radii)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.ZoneHit, error) {
		var h planning.ZoneHit
		var version int32
		err := r.Scan(&h.ZoneID, &h.LayerName, &h.LayerKind, &version, &h.Category, &h.Name,
			&h.DistanceM, &h.FootprintDistanceM, &h.FootprintOverlapM2, &h.NearestPoint[0], &h.NearestPoint[1])
		h.LayerVersion = int(version)
		return h, err
	})
	if err != nil {
		return nil, opError(op, translate(err))
	}
	return hits, nil
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
