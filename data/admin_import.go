package data

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/import_admin_stage.sql
	qImportAdminStage string
	//go:embed sql/admin_overlap.sql
	qAdminOverlap string
	//go:embed sql/import_admin_units.sql
	qImportAdminUnits string
)

// AdminSpec describes one admin-unit import: a GeoJSON FeatureCollection
// of Polygons or MultiPolygons, one feature per unit, all of one level and
// in force over one period.
type AdminSpec struct {
	// Level is the units' level: "province", "district", "commune"... It is
	// data: the district level ended on 2025-07-01, and its units are still
	// imported, with ValidTo set, because old district plans stay in force.
	Level       string
	CodeField   string // property holding the unit's code; required
	NameField   string // property holding the unit's name; default "name"
	ParentField string // property holding the parent unit's code; "" for top-level units
	// ValidFrom is the first day in force and ValidTo the first day no
	// longer in force (nil while in force), as calendar dates in Vietnam
	// (UTC+7): only their date there counts.
	ValidFrom time.Time
	ValidTo   *time.Time
	SRID      int   // the source CRS; 0 means EPSG:4326 or the file's own "crs"
	MaxBytes  int64 // the largest body accepted; 0 means no limit
	// AllowOutside accepts units outside the source CRS's area of use and
	// outside Vietnam, otherwise refused as a sign of the wrong CRS.
	AllowOutside bool
}

// AdminImportReport says what one admin-unit import did.
type AdminImportReport struct {
	Units   int
	Repairs []planning.Repair
}

// ImportAdminUnits reads a GeoJSON FeatureCollection of admin units from r
// and stores them, in one transaction: any error stores nothing. Geometries
// are transformed to EPSG:4326 and repaired in PostGIS exactly as by
// ImportLayer (see there), and must be polygonal.
// Errors: Invalid (naming the feature) for a bad spec or file, a
// non-polygonal geometry, a missing code and a code given twice; Exists
// when a unit with the same code is already in force on some day of the
// period; Unavailable.
func (s *AdminStore) ImportAdminUnits(ctx context.Context, spec AdminSpec, r io.Reader) (AdminImportReport, error) {
	rep, err := s.importAdminUnits(ctx, spec, r)
	if err != nil {
		return AdminImportReport{}, opError("import admin units", err)
	}
	return rep, nil
}

func (s *AdminStore) importAdminUnits(ctx context.Context, spec AdminSpec, r io.Reader) (AdminImportReport, error) {
	for _, t := range []struct {
		field, s string
		max      int
	}{
		{"level", spec.Level, planning.MaxCodeChars},
		{"code_field", spec.CodeField, planning.MaxNameChars},
		{"name_field", spec.NameField, planning.MaxNameChars},
		{"parent_field", spec.ParentField, planning.MaxNameChars},
	} {
		if err := planning.CheckLine(t.field, t.s, t.max); err != nil {
			return AdminImportReport{}, err
		}
	}
	switch {
	case spec.Level == "":
		return AdminImportReport{}, planning.FieldError("level", "the units need a level")
	case spec.CodeField == "":
		return AdminImportReport{}, planning.FieldError("code_field", "name the property that holds the unit code")
	case spec.ValidFrom.IsZero():
		return AdminImportReport{}, planning.FieldError("valid_from", "the units need the first day they are in force")
	case spec.ValidTo != nil && !vnDate(*spec.ValidTo).After(vnDate(spec.ValidFrom)):
		return AdminImportReport{}, planning.FieldError("valid_to", "valid_to %s is not after valid_from %s",
			vnDate(*spec.ValidTo).Format(time.DateOnly), vnDate(spec.ValidFrom).Format(time.DateOnly))
	case spec.SRID < 0:
		return AdminImportReport{}, planning.FieldError("srid", "SRID %d is not an EPSG code", spec.SRID)
	}
	from := vnDate(spec.ValidFrom)
	var to *time.Time
	if spec.ValidTo != nil {
		t := vnDate(*spec.ValidTo)
		to = &t
	}
	src := &adminSource{
		stream:  newFeatureStream(r, spec.MaxBytes),
		spec:    spec,
		seen:    map[string]int{},
		row:     make([]any, 6),
		nameKey: spec.NameField,
	}
	if src.nameKey == "" {
		src.nameKey = "name"
	}
	src.stream.nameKey = src.nameKey

	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return AdminImportReport{}, translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if spec.SRID != 0 {
		if err := s.db.checkSRID(ctx, tx, spec.SRID, "srid"); err != nil {
			return AdminImportReport{}, err
		}
	}
	if err := src.stream.header(); err != nil {
		return AdminImportReport{}, err
	}
	if err := s.db.exec(ctx, tx, qImportWorkMem); err != nil {
		return AdminImportReport{}, err
	}
	if err := s.db.exec(ctx, tx, qImportAdminStage); err != nil {
		return AdminImportReport{}, err
	}
	bctx, cancel := s.db.bulk(ctx)
	n, err := tx.CopyFrom(bctx, pgx.Identifier{"import_admin_stage"},
		[]string{"idx", "code", "name", "parent", "attributes", "wkb"}, src)
	cancel()
	if src.err != nil {
		return AdminImportReport{}, src.err
	}
	if err != nil {
		return AdminImportReport{}, translate(err)
	}
	if err := src.stream.trailer(); err != nil {
		return AdminImportReport{}, err
	}
	if n == 0 {
		return AdminImportReport{}, planning.FieldError("/features", "the FeatureCollection has no features")
	}
	crs, err := s.db.sourceCRS(ctx, tx, spec.SRID, src.stream.crs)
	if err != nil {
		return AdminImportReport{}, err
	}
	if err := crs.checkDegrees(src.stream.firstDegrees); err != nil {
		return AdminImportReport{}, err
	}
	place := placement{crs: crs}
	if !spec.AllowOutside {
		a := areaOf(crs.SRID)
		place.area = &a
	}

	// One admin import at a time, so that the overlap check below sees
	// every unit committed before it.
	if err := s.db.exec(ctx, tx, qLockName, "admin_unit"); err != nil {
		return AdminImportReport{}, err
	}
	qctx, qcancel := s.db.query(ctx)
	var idx int32
	var code string
	var oFrom time.Time
	var oTo *time.Time
	err = tx.QueryRow(qctx, qAdminOverlap, from, to).Scan(&idx, &code, &oFrom, &oTo)
	qcancel()
	switch {
	case err == nil:
		period := "open-ended"
		if oTo != nil {
			period = "to " + oTo.Format(time.DateOnly)
		}
		return AdminImportReport{}, &planning.Error{Kind: planning.Exists,
			Field: fmt.Sprintf("/features/%d/properties", idx),
			Err: fmt.Errorf("feature %d: unit %s is already in force from %s %s, which overlaps the import's period",
				idx, code, oFrom.Format(time.DateOnly), period)}
	case err != pgx.ErrNoRows:
		return AdminImportReport{}, translate(err)
	}

	args := append([]any{spec.Level, from, to, crs.SRID, geo.SRIDWGS84}, place.envelopeArgs()...)
	repairs, err := s.db.moveStaged(ctx, tx, place, qImportAdminUntransformable, qImportAdminUnits, args...)
	if err != nil {
		return AdminImportReport{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return AdminImportReport{}, translate(err)
	}
	return AdminImportReport{Units: int(n), Repairs: repairs}, nil
}

// adminSource feeds CopyFrom one staged row per unit.
type adminSource struct {
	stream  *featureStream
	spec    AdminSpec
	nameKey string
	seen    map[string]int // code → feature index
	row     []any
	err     error
}

func (a *adminSource) Next() bool {
	if a.err != nil {
		return false
	}
	f, err := a.stream.next()
	if err == io.EOF {
		return false
	}
	if err != nil {
		a.err = err
		return false
	}
	a.err = a.fill(&f)
	return a.err == nil
}

func (a *adminSource) fill(f *feature) error {
	props := fmt.Sprintf("/features/%d/properties", f.Index)
	switch f.Geometry.(type) {
	case orb.Polygon, orb.MultiPolygon:
	default:
		return planning.FieldError(fmt.Sprintf("/features/%d/geometry", f.Index),
			"%s: an admin unit must be a Polygon or MultiPolygon, not a %s", f.label(), f.Geometry.GeoJSONType())
	}
	code, ok, err := f.prop(a.spec.CodeField)
	if err == nil && ok {
		err = checkProp(a.spec.CodeField, code, planning.MaxCodeChars)
	}
	if err != nil {
		return planning.FieldError(props, "%s: %v", f.label(), err)
	}
	if !ok || code == "" {
		return planning.FieldError(props, "%s: no unit code in property %q", f.label(), shorten(a.spec.CodeField))
	}
	if prev, dup := a.seen[code]; dup {
		return planning.FieldError(props, "%s: unit code %s is also the code of feature %d", f.label(), code, prev)
	}
	a.seen[code] = f.Index
	name, _, err := f.prop(a.nameKey)
	if err == nil {
		err = checkProp(a.nameKey, name, planning.MaxNameChars)
	}
	if err != nil {
		return planning.FieldError(props, "%s: %v", f.label(), err)
	}
	var parent *string
	if a.spec.ParentField != "" {
		p, ok, err := f.prop(a.spec.ParentField)
		if err == nil && ok {
			err = checkProp(a.spec.ParentField, p, planning.MaxCodeChars)
		}
		if err != nil {
			return planning.FieldError(props, "%s: %v", f.label(), err)
		}
		if ok && p != "" {
			parent = &p
		}
	}
	b, err := wkbOf(f.Geometry)
	if err != nil {
		return planning.FieldError(fmt.Sprintf("/features/%d/geometry", f.Index), "%s: %v", f.label(), err)
	}
	a.row[0], a.row[1], a.row[2], a.row[3], a.row[4], a.row[5] = int32(f.Index), code, name, parent, f.Props, b
	return nil
}

func (a *adminSource) Values() ([]any, error) { return a.row, nil }
func (a *adminSource) Err() error             { return a.err }

// ict is Vietnam's time zone, UTC+7 all year.
var ict = time.FixedZone("ICT", 7*60*60)

// vnDate returns the calendar date of t in Vietnam, as midnight UTC (the
// form pgx binds to a date column).
func vnDate(t time.Time) time.Time {
	y, m, d := t.In(ict).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// fromDate turns a date read from PostgreSQL (midnight UTC) into the start
// of that day in Vietnam.
func fromDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ict)
}
