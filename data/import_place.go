package data

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"btsplan/geo"
	"btsplan/planning"
)

// This file is what the layer and admin-unit imports share once the
// features are staged: the source CRS, the move into the real table with
// its checks of where each feature lands, and the plain messages for what
// it refuses.

var (
	//go:embed sql/import_srid.sql
	qImportSRID string
	//go:embed sql/import_admin_exists.sql
	qImportAdminExists string
	//go:embed sql/import_try_transform_fn.sql
	qImportTryTransformFn string
	//go:embed sql/import_zone_untransformable.sql
	qImportZoneUntransformable string
	//go:embed sql/import_admin_untransformable.sql
	qImportAdminUntransformable string
)

// maxRejects is how many refused features an import error lists; the rest
// are counted.
const maxRejects = 5

// sourceCRS is the CRS an import reads its coordinates in.
type sourceCRS struct {
	SRID      int
	Name      string // from spatial_ref_sys, e.g. "VN-2000 / TM-3 105-45"
	Projected bool
	from      string // how the import was told: "srid" or "/crs" (the file), "" for the default
}

// crsInfo returns the CRS of srid, or an Invalid error about field when
// srid is not in spatial_ref_sys.
func (d *DB) crsInfo(ctx context.Context, tx pgx.Tx, srid int, field string) (sourceCRS, error) {
	qctx, cancel := d.query(ctx)
	defer cancel()
	c := sourceCRS{SRID: srid, from: field}
	err := tx.QueryRow(qctx, qImportSRID, srid).Scan(&c.Name, &c.Projected)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return c, planning.FieldError(field, "unknown SRID %d: it is not in spatial_ref_sys", srid)
	case err != nil:
		return c, translate(err)
	}
	return c, nil
}

// checkSRID returns an Invalid error about field when srid is not in
// spatial_ref_sys.
func (d *DB) checkSRID(ctx context.Context, tx pgx.Tx, srid int, field string) error {
	_, err := d.crsInfo(ctx, tx, srid, field)
	return err
}

// sourceCRS chooses the source CRS of an import from the SRID the caller
// gave and the one the file's "crs" member names, and checks it exists.
func (d *DB) sourceCRS(ctx context.Context, tx pgx.Tx, given, file int) (sourceCRS, error) {
	switch {
	case given != 0 && file != 0 && given != file:
		return sourceCRS{}, planning.FieldError("srid", "the file's crs is EPSG:%d but the import names EPSG:%d", file, given)
	case given != 0:
		return d.crsInfo(ctx, tx, given, "srid")
	case file != 0:
		return d.crsInfo(ctx, tx, file, "/crs")
	}
	return d.crsInfo(ctx, tx, geo.SRIDWGS84, "")
}

// told says where the import was given the CRS, for messages.
func (c sourceCRS) told() string {
	switch c.from {
	case "srid":
		return fmt.Sprintf("EPSG:%d (%s), as the import's srid", c.SRID, c.Name)
	case "/crs":
		return fmt.Sprintf("EPSG:%d (%s), as the file's crs member", c.SRID, c.Name)
	}
	return fmt.Sprintf("EPSG:%d (%s), the default when neither srid nor a crs member is given", c.SRID, c.Name)
}

// checkDegrees refuses a projected source CRS when feature first (-1:
// none) has coordinates that all look like degrees: metres of any
// projection used in Vietnam are in the hundreds of thousands.
func (c sourceCRS) checkDegrees(first int) error {
	if !c.Projected || first < 0 {
		return nil
	}
	return planning.FieldError(fmt.Sprintf("/features/%d/geometry", first),
		"feature %d: its coordinates look like longitude and latitude in degrees, but the source CRS is %s, a projected CRS in metres: "+
			"give the file's real CRS (EPSG:4326 for longitude and latitude)", first, c.told())
}

// placement is how an import checks where its features land.
type placement struct {
	crs        sourceCRS
	area       *crsArea // nil: no area check (allow_outside)
	checkAdmin bool     // every feature must intersect an admin unit
}

// envelopeArgs returns the area's box as four SQL arguments, NULL when
// there is no area check.
func (p placement) envelopeArgs() []any {
	if p.area == nil {
		return []any{nil, nil, nil, nil}
	}
	e := p.area.envelope()
	return []any{e[0], e[1], e[2], e[3]}
}

// errTransform marks a staged geometry PROJ could not transform.
var errTransform = errors.New("transform failed")

// moveStaged runs the INSERT…SELECT that transforms, repairs, checks and
// inserts the staged geometries, under a savepoint, and returns the
// repairs. A rejected geometry is an Invalid error naming the feature
// (the first maxRejects of them, and how many more). untransformable is
// the query that finds the first feature PROJ cannot transform, run when
// the INSERT…SELECT fails on one.
func (d *DB) moveStaged(ctx context.Context, tx pgx.Tx, p placement, untransformable, sql string, args ...any) ([]planning.Repair, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return nil, translate(err)
	}
	repairs, err := d.moveRows(ctx, sp, p, sql, args...)
	if err == nil {
		return repairs, translate(sp.Commit(ctx))
	}
	_ = sp.Rollback(context.WithoutCancel(ctx))
	if errors.Is(err, errTransform) {
		return nil, d.untransformable(ctx, tx, p.crs, untransformable)
	}
	return nil, err
}

func (d *DB) moveRows(ctx context.Context, tx pgx.Tx, p placement, sql string, args ...any) ([]planning.Repair, error) {
	bctx, cancel := d.bulk(ctx)
	defer cancel()
	rows, err := tx.Query(bctx, sql, args...)
	if err != nil {
		return nil, importDBError(err)
	}
	var repairs []planning.Repair
	var rejects []error
	more := 0
	for rows.Next() {
		var idx int32
		var name, reason, rejected string
		var x, y *float64
		if err := rows.Scan(&idx, &name, &reason, &rejected, &x, &y); err != nil {
			rows.Close()
			return nil, importDBError(err)
		}
		if rejected == "" {
			repairs = append(repairs, planning.Repair{Index: int(idx), Reason: reason})
			continue
		}
		if len(rejects) == maxRejects {
			more++
			continue
		}
		f := feature{Index: int(idx), name: name}
		rejects = append(rejects, planning.FieldError(fmt.Sprintf("/features/%d/geometry", idx),
			"%s: %s", f.label(), rejection(p, rejected, reason, x, y)))
	}
	if err := rows.Err(); err != nil {
		return nil, importDBError(err)
	}
	if more > 0 {
		rejects = append(rejects, planning.FieldError("/features",
			"and %d more feature(s) refused for the same kinds of reasons", more))
	}
	if len(rejects) > 0 {
		return nil, errors.Join(rejects...)
	}
	return repairs, nil
}

// rejection says in plain words why the SQL rejected a geometry.
func rejection(p placement, code, reason string, x, y *float64) string {
	at := ""
	if x != nil && y != nil {
		at = fmt.Sprintf(" at %.5f E, %.5f N", *x, *y)
	}
	switch code {
	case "range":
		return fmt.Sprintf("after transforming from %s its coordinates are outside [-180, 180] × [-90, 90] of longitude and latitude: "+
			"is the source CRS right? Projected data (such as VN-2000 metres) needs its SRID", p.crs.told())
	case "area":
		return fmt.Sprintf("it lies%s after transforming from %s, outside that CRS's area of use (%s): "+
			"is the source CRS right? Set allow_outside to import it anyway", at, p.crs.told(), areaOf(p.crs.SRID))
	case "admin":
		return fmt.Sprintf("it lies%s after transforming from %s, outside every admin unit loaded: "+
			"is the source CRS right? Set allow_outside to import it anyway", at, p.crs.told())
	case "meaning":
		what := map[string]string{
			"Hole lies outside shell": "a hole of a polygon lies outside its shell",
			"Holes are nested":        "a hole of a polygon lies inside another hole",
			"Nested shells":           "a polygon of the MultiPolygon lies inside another one",
			"Duplicate Rings":         "a polygon has the same ring twice",
		}[reasonName(reason)]
		return fmt.Sprintf("%s%s; repairing it would change the area the feature covers, so fix it in the file", what, reasonAt(reason))
	case "collapsed":
		return fmt.Sprintf("the geometry has no area or length (it is invalid: %s%s, and nothing is left once repaired): "+
			"its points lie on a line or on one point", strings.ToLower(reasonName(reason)), reasonAt(reason))
	}
	return fmt.Sprintf("the geometry is invalid (%s%s) and cannot be repaired", strings.ToLower(reasonName(reason)), reasonAt(reason))
}

// reasonName and reasonAt split an ST_IsValidReason such as
// "Self-intersection[105.605 21.405]".
func reasonName(reason string) string {
	name, _, _ := strings.Cut(reason, "[")
	return name
}

func reasonAt(reason string) string {
	_, at, ok := strings.Cut(reason, "[")
	if !ok {
		return ""
	}
	return " at " + strings.TrimSuffix(at, "]")
}

// untransformable finds the first staged feature PROJ cannot transform and
// says so; tx is the import's transaction, back before the failed move.
func (d *DB) untransformable(ctx context.Context, tx pgx.Tx, c sourceCRS, query string) error {
	if err := d.exec(ctx, tx, qImportTryTransformFn); err != nil {
		return err
	}
	qctx, cancel := d.bulk(ctx)
	defer cancel()
	var idx int32
	var x, y float64
	err := tx.QueryRow(qctx, query, c.SRID, geo.SRIDWGS84).Scan(&idx, &x, &y)
	if errors.Is(err, pgx.ErrNoRows) {
		return planning.FieldError(c.from, "the coordinates cannot be transformed from %s: is the source CRS right?", c.told())
	}
	if err != nil {
		return translate(err)
	}
	return planning.FieldError(fmt.Sprintf("/features/%d/geometry", idx),
		"feature %d: its coordinates (from %g %g) are outside the domain of %s and cannot be transformed: is the source CRS right?",
		idx, x, y, c.told())
}

// importDBError translates an error of the INSERT…SELECT. PostGIS refuses
// some geometries with an internal error (XX000) whose text must not reach
// the caller: a failed transform is errTransform, to be diagnosed; any
// other geometry error is Invalid with a plain message.
func importDBError(err error) error {
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "XX000" && strings.HasPrefix(pe.Message, "transform:"):
		return errTransform
	case errors.As(err, &pe) && (pe.Code == "XX000" || strings.HasPrefix(pe.Code, "22")):
		return &planning.Error{Kind: planning.Invalid, Field: "/features",
			Err: errors.New("PostGIS could not process the file's geometries; check that they are valid and in the stated CRS")}
	}
	return translate(err)
}
