package data

import (
	"context"
	_ "embed"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/planning"
)

//go:embed sql/units_at.sql
var qUnitsAt string

// AdminStore imports and finds admin units; it implements
// planning.AdminStore.
type AdminStore struct {
	db *DB
}

var _ planning.AdminStore = (*AdminStore)(nil)

// NewAdminStore returns an AdminStore on db.
func NewAdminStore(db *DB) *AdminStore { return &AdminStore{db: db} }

// UnitsAt returns the admin units in force at time at (its calendar date in
// Vietnam) whose geometry covers p ([lon, lat], EPSG:4326), smallest area
// first; empty when p is outside every loaded unit. Dates come back as the
// start of the day in Vietnam (UTC+7).
// Errors: Invalid for a point off the Earth, Unavailable.
func (s *AdminStore) UnitsAt(ctx context.Context, p orb.Point, at time.Time) ([]planning.AdminUnit, error) {
	const op = "admin units at point"
	if err := checkPoint(p, "location"); err != nil {
		return nil, opError(op, err)
	}
	pt, err := ewkbOf(p)
	if err != nil {
		return nil, opError(op, err)
	}
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qUnitsAt, pt, vnDate(at))
	if err != nil {
		return nil, opError(op, translate(err))
	}
	units, err := pgx.CollectRows(rows, scanAdminUnit)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	return units, nil
}

// scanAdminUnit reads a row of code, name, level, parent (empty for none),
// valid_from and valid_to (NULL while in force); dates come back as the
// start of the day in Vietnam.
func scanAdminUnit(r pgx.CollectableRow) (planning.AdminUnit, error) {
	var u planning.AdminUnit
	var to *time.Time
	err := r.Scan(&u.Code, &u.Name, &u.Level, &u.Parent, &u.ValidFrom, &to)
	u.ValidFrom = fromDate(u.ValidFrom)
	if to != nil {
		t := fromDate(*to)
		u.ValidTo = &t
	}
	return u, err
}
