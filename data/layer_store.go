package data

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/layers.sql
	qLayers string
	//go:embed sql/layer.sql
	qLayer string
	//go:embed sql/layer_exists.sql
	qLayerExists string
	//go:embed sql/each_zone.sql
	qEachZone string
)

// LayerStore imports and reads layers and their zones; it implements
// planning.LayerStore.
type LayerStore struct {
	db   *DB
	cats CategorySet
}

var _ planning.LayerStore = (*LayerStore)(nil)

// NewLayerStore returns a LayerStore on db. cats decides which category
// codes an import accepts for a layer kind it knows (pass the rule book);
// nil accepts any non-empty code.
func NewLayerStore(db *DB, cats CategorySet) *LayerStore {
	return &LayerStore{db: db, cats: cats}
}

// Layers returns every layer version, newest first within a name.
// Errors: Unavailable.
func (s *LayerStore) Layers(ctx context.Context) ([]planning.Layer, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qLayers)
	if err != nil {
		return nil, opError("list layers", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Layer, error) { return scanLayer(r) })
	if err != nil {
		return nil, opError("list layers", translate(err))
	}
	return out, nil
}

// Layer returns version of layer name; version 0 is the current one.
// Errors: NotFound, Unavailable.
func (s *LayerStore) Layer(ctx context.Context, name string, version int) (planning.Layer, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	l, err := scanLayer(s.db.pool.QueryRow(ctx, qLayer, name, version))
	if err != nil {
		return planning.Layer{}, opError(fmt.Sprintf("layer %q version %d", name, version), translate(err))
	}
	return l, nil
}

// EachZone calls fn for every zone of layer version layerID that intersects
// bbox ([lon, lat], EPSG:4326; every zone when nil), in id order, streaming
// the rows from the database. It stops at fn's first error and returns it.
// The per-query timeout bounds the whole walk, fn included.
// Errors: NotFound for an unknown layer version, Unavailable.
func (s *LayerStore) EachZone(ctx context.Context, layerID int64, bbox *orb.Bound, fn func(planning.Zone) error) error {
	op := fmt.Sprintf("zones of layer %d", layerID)
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var ok bool
	if err := s.db.pool.QueryRow(ctx, qLayerExists, layerID).Scan(&ok); err != nil {
		return opError(op, translate(err))
	}
	if !ok {
		return &planning.Error{Op: op, Kind: planning.NotFound, Err: fmt.Errorf("no layer version %d", layerID)}
	}
	var minX, minY, maxX, maxY *float64
	if bbox != nil {
		minX, minY, maxX, maxY = &bbox.Min[0], &bbox.Min[1], &bbox.Max[0], &bbox.Max[1]
	}
	rows, err := s.db.pool.Query(ctx, qEachZone, layerID, minX, minY, maxX, maxY, geo.SRIDWGS84)
	if err != nil {
		return opError(op, translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var z planning.Zone
		var attrs, wkb []byte
		if err := rows.Scan(&z.ID, &z.LayerID, &z.Category, &z.Name, &attrs, &wkb); err != nil {
			return opError(op, translate(err))
		}
		if z.Attributes, err = attributesOf(attrs); err != nil {
			return opError(op, err)
		}
		if z.Geometry, err = orbOf(wkb); err != nil {
			return opError(op, err)
		}
		if err := fn(z); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return opError(op, translate(err))
	}
	return nil
}

// attributesOf decodes a jsonb object. Numbers stay json.Number so that
// large integers (OSM ids) keep every digit.
func attributesOf(b []byte) (map[string]any, error) {
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode attributes: %w", err)
	}
	return m, nil
}

// scanLayer reads the columns of layers.sql.
func scanLayer(r pgx.Row) (planning.Layer, error) {
	var l planning.Layer
	var version, srid, count int32
	err := r.Scan(&l.ID, &l.Kind, &l.Name, &version, &l.Source, &l.Licence, &srid, &l.ImportedAt, &count, &l.Current)
	l.Version, l.SourceSRID, l.FeatureCount = int(version), int(srid), int(count)
	return l, err
}
