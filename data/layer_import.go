package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/import_zone_stage.sql
	qImportZoneStage string
	//go:embed sql/import_zones.sql
	qImportZones string
	//go:embed sql/import_work_mem.sql
	qImportWorkMem string
	//go:embed sql/import_no_jit.sql
	qImportNoJIT string
	//go:embed sql/lock_name.sql
	qLockName string
	//go:embed sql/layer_retire.sql
	qLayerRetire string
	//go:embed sql/layer_insert.sql
	qLayerInsert string
	//go:embed sql/layer_set_repairs.sql
	qLayerSetRepairs string
)

// progressEvery is how many features pass between two progress calls.
const progressEvery = 1000

// kindPattern is the form of a layer kind: it is data, but a word.
var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CategorySet tells the layer import which category codes a layer kind
// allows. *planning.RuleBook satisfies it.
type CategorySet interface {
	// Categories returns the categories of kind; nil when the set does not
	// know the kind.
	Categories(kind string) []planning.Category
	// KnownCategory reports whether code is a category of kind.
	KnownCategory(kind, code string) bool
}

// ImportLayer reads a GeoJSON FeatureCollection from r and stores it as the
// next version of spec.Name, in one transaction: any error leaves no layer
// row and no zone behind. See planning.LayerStore.
//
// The file is read as a stream, one feature at a time, and copied with COPY
// into a staging table; one INSERT…SELECT then transforms every geometry
// from the source CRS to EPSG:4326 in PostGIS, repairs the invalid ones
// with ST_MakeValid and records each repair (feature index and
// ST_IsValidReason) in the report. A geometry still empty or invalid after
// the repair rejects the file.
//
// The source CRS is spec.SRID, else the legacy "crs" member of the file,
// else EPSG:4326; both given and different is an error.
//
// Errors: Invalid (naming the feature index in the message and its JSON
// pointer in planning.FieldOf) for a bad spec, a body over spec.MaxBytes,
// malformed JSON, a body that is not a FeatureCollection, a feature without
// geometry, a NaN or infinite coordinate, an unknown SRID, a missing or
// unknown category code, and a geometry that cannot be repaired;
// Unavailable when the database is down or too slow.
func (s *LayerStore) ImportLayer(ctx context.Context, spec planning.LayerSpec, r io.Reader, progress func(features int, bytes int64)) (planning.ImportReport, error) {
	const op = "import layer"
	rep, err := s.importLayer(ctx, spec, r, progress)
	if err != nil {
		return planning.ImportReport{}, opError(op, err)
	}
	return rep, nil
}

func (s *LayerStore) importLayer(ctx context.Context, spec planning.LayerSpec, r io.Reader, progress func(int, int64)) (planning.ImportReport, error) {
	src, err := s.newZoneSource(spec, r, progress)
	if err != nil {
		return planning.ImportReport{}, err
	}
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return planning.ImportReport{}, translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit

	if spec.SRID != 0 {
		if err := s.db.checkSRID(ctx, tx, spec.SRID, "srid"); err != nil {
			return planning.ImportReport{}, err
		}
	}
	if err := src.stream.header(); err != nil {
		return planning.ImportReport{}, err
	}
	if err := s.db.exec(ctx, tx, qImportWorkMem); err != nil {
		return planning.ImportReport{}, err
	}
	if err := s.db.exec(ctx, tx, qImportNoJIT); err != nil {
		return planning.ImportReport{}, err
	}
	if err := s.db.exec(ctx, tx, qImportZoneStage); err != nil {
		return planning.ImportReport{}, err
	}
	bctx, cancel := s.db.bulk(ctx)
	n, err := tx.CopyFrom(bctx, pgx.Identifier{"import_zone_stage"},
		[]string{"idx", "category", "name", "attributes", "wkb"}, src)
	cancel()
	if src.err != nil {
		return planning.ImportReport{}, src.err
	}
	if err != nil {
		return planning.ImportReport{}, translate(err)
	}
	if err := src.stream.trailer(); err != nil {
		return planning.ImportReport{}, err
	}
	if n == 0 {
		return planning.ImportReport{}, planning.FieldError("/features", "the FeatureCollection has no features")
	}
	if progress != nil {
		progress(int(n), src.stream.BytesRead())
	}
	crs, err := s.db.sourceCRS(ctx, tx, spec.SRID, src.stream.crs)
	if err != nil {
		return planning.ImportReport{}, err
	}
	if err := crs.checkDegrees(src.stream.firstDegrees); err != nil {
		return planning.ImportReport{}, err
	}
	place := placement{crs: crs}
	if !spec.AllowOutside {
		a := areaOf(crs.SRID)
		place.area = &a
		qctx, qcancel := s.db.query(ctx)
		err := tx.QueryRow(qctx, qImportAdminExists).Scan(&place.checkAdmin)
		qcancel()
		if err != nil {
			return planning.ImportReport{}, translate(err)
		}
	}
	srid := crs.SRID

	if err := s.db.exec(ctx, tx, qLockName, "layer:"+spec.Name); err != nil {
		return planning.ImportReport{}, err
	}
	if err := s.db.exec(ctx, tx, qLayerRetire, spec.Name); err != nil {
		return planning.ImportReport{}, err
	}
	l := planning.Layer{Kind: spec.Kind, Name: spec.Name, Source: spec.Source, Licence: spec.Licence,
		SourceSRID: srid, FeatureCount: int(n), Current: true}
	qctx, qcancel := s.db.query(ctx)
	err = tx.QueryRow(qctx, qLayerInsert, spec.Kind, spec.Name, spec.Source, spec.Licence, srid, n).
		Scan(&l.ID, &l.Version, &l.ImportedAt)
	qcancel()
	if err != nil {
		return planning.ImportReport{}, translate(err)
	}

	if spec.PopulationField != "" {
		if err := s.db.exec(ctx, tx, qLayerSetPopulationField, l.ID, spec.PopulationField); err != nil {
			return planning.ImportReport{}, err
		}
	}
	args := append([]any{l.ID, srid, geo.SRIDWGS84}, place.envelopeArgs()...)
	repairs, err := s.db.moveStaged(ctx, tx, place, qImportZoneUntransformable, qImportZones, append(args, place.checkAdmin)...)
	if err != nil {
		return planning.ImportReport{}, err
	}
	if len(repairs) > 0 {
		b, err := json.Marshal(repairsJSON(repairs))
		if err != nil {
			return planning.ImportReport{}, err
		}
		if err := s.db.exec(ctx, tx, qLayerSetRepairs, l.ID, b); err != nil {
			return planning.ImportReport{}, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return planning.ImportReport{}, translate(err)
	}
	return planning.ImportReport{Layer: l, Features: int(n), Repairs: repairs}, nil
}

// checkLayerSpec returns an Invalid error naming the first bad field of spec.
func checkLayerSpec(spec planning.LayerSpec) error {
	for _, t := range []struct {
		field, s string
		max      int
	}{
		{"kind", spec.Kind, planning.MaxCodeChars},
		{"name", spec.Name, planning.MaxNameChars},
		{"category", spec.Category, planning.MaxCodeChars},
		{"category_field", spec.CategoryField, planning.MaxNameChars},
		{"name_field", spec.NameField, planning.MaxNameChars},
		{"population_field", spec.PopulationField, planning.MaxNameChars},
		{"source", spec.Source, planning.MaxTextChars},
		{"licence", spec.Licence, planning.MaxNameChars},
	} {
		if err := planning.CheckLine(t.field, t.s, t.max); err != nil {
			return err
		}
	}
	for from, code := range spec.CategoryMap {
		if err := planning.CheckLine("category_map", from, planning.MaxTextChars); err != nil {
			return err
		}
		if err := planning.CheckLine("category_map", code, planning.MaxCodeChars); err != nil {
			return err
		}
	}
	switch {
	case !kindPattern.MatchString(spec.Kind):
		return planning.FieldError("kind", "layer kind %q is not a lower-case word such as %q", spec.Kind, planning.KindLandUse)
	case strings.TrimSpace(spec.Name) == "":
		return planning.FieldError("name", "the layer needs a name")
	case spec.Category != "" && spec.CategoryField != "":
		return planning.FieldError("category", "give either a category or a category field, not both")
	case spec.Category == "" && spec.CategoryField == "":
		return planning.FieldError("category", "give a category for every feature or the property that holds it")
	case len(spec.CategoryMap) > 0 && spec.CategoryField == "":
		return planning.FieldError("category_map", "a category map needs a category field")
	case spec.SRID < 0:
		return planning.FieldError("srid", "SRID %d is not an EPSG code", spec.SRID)
	case spec.MaxBytes < 0:
		return planning.FieldError("max_bytes", "the size limit %d is negative", spec.MaxBytes)
	}
	return nil
}

// zoneSource feeds CopyFrom one staged row per feature, straight from the
// stream, and keeps the first error (CopyFrom wraps it).
type zoneSource struct {
	stream    *featureStream
	spec      planning.LayerSpec
	nameField string
	known     func(code string) bool // nil: any non-empty code
	progress  func(int, int64)
	row       []any
	n         int
	err       error
}

func (s *LayerStore) newZoneSource(spec planning.LayerSpec, r io.Reader, progress func(int, int64)) (*zoneSource, error) {
	if err := checkLayerSpec(spec); err != nil {
		return nil, err
	}
	src := &zoneSource{
		stream:    newFeatureStream(r, spec.MaxBytes),
		spec:      spec,
		nameField: spec.NameField,
		progress:  progress,
		row:       make([]any, 5),
	}
	if src.nameField == "" {
		src.nameField = "name"
	}
	src.stream.nameKey = src.nameField
	// Enforce the codes of a kind only when the category set knows the
	// kind: the land-use codes of the rule book, say, but any code for a
	// kind the rules do not list.
	if s.cats != nil && len(s.cats.Categories(spec.Kind)) > 0 {
		kind := spec.Kind
		src.known = func(code string) bool { return s.cats.KnownCategory(kind, code) }
	}
	if src.known != nil && spec.Category != "" && !src.known(spec.Category) {
		return nil, planning.FieldError("category", "%q is not a category of layer kind %q", spec.Category, spec.Kind)
	}
	for from, code := range spec.CategoryMap {
		if code == "" || (src.known != nil && !src.known(code)) {
			return nil, planning.FieldError("category_map", "%q maps to %q, which is not a category of layer kind %q", from, code, spec.Kind)
		}
	}
	return src, nil
}

func (z *zoneSource) Next() bool {
	if z.err != nil {
		return false
	}
	f, err := z.stream.next()
	if err == io.EOF {
		return false
	}
	if err != nil {
		z.err = err
		return false
	}
	field := fmt.Sprintf("/features/%d/properties", f.Index)
	category, err := z.category(&f)
	if err != nil {
		z.err = planning.FieldError(field, "%s: %v", f.label(), err)
		return false
	}
	name, _, err := f.prop(z.nameField)
	if err == nil {
		err = checkProp(z.nameField, name, planning.MaxNameChars)
	}
	if err != nil {
		z.err = planning.FieldError(field, "%s: %v", f.label(), err)
		return false
	}
	if err := checkPopulation(&f, z.spec.PopulationField); err != nil {
		z.err = planning.FieldError(field+"/"+escapePointer(z.spec.PopulationField), "%s: %v", f.label(), err)
		return false
	}
	b, err := wkbOf(f.Geometry)
	if err != nil {
		z.err = planning.FieldError(fmt.Sprintf("/features/%d/geometry", f.Index), "%s: %v", f.label(), err)
		return false
	}
	z.row[0], z.row[1], z.row[2], z.row[3], z.row[4] = int32(f.Index), category, name, f.Props, b
	z.n++
	if z.progress != nil && z.n%progressEvery == 0 {
		z.progress(z.n, z.stream.BytesRead())
	}
	return true
}

// category returns the category code of f under the spec.
func (z *zoneSource) category(f *feature) (string, error) {
	code := z.spec.Category
	if code == "" {
		v, ok, err := f.prop(z.spec.CategoryField)
		if err != nil {
			return "", err
		}
		if !ok || v == "" {
			return "", fmt.Errorf("no category: property %q is missing or empty", shorten(z.spec.CategoryField))
		}
		code = v
		if len(z.spec.CategoryMap) > 0 {
			mapped, ok := z.spec.CategoryMap[v]
			if !ok {
				return "", fmt.Errorf("%s %q is not in the category map", shorten(z.spec.CategoryField), shorten(v))
			}
			code = mapped
		}
	}
	if err := checkProp(z.spec.CategoryField, code, planning.MaxCodeChars); err != nil {
		return "", err
	}
	if z.known != nil && !z.known(code) {
		return "", fmt.Errorf("unknown category code %q for layer kind %q", shorten(code), z.spec.Kind)
	}
	return code, nil
}

func (z *zoneSource) Values() ([]any, error) { return z.row, nil }
func (z *zoneSource) Err() error             { return z.err }

// checkProp checks the value of property key, used as a one-line text of
// at most maxChars: a code or a name.
func checkProp(key, v string, maxChars int) error {
	if err := planning.CheckLine(key, v, maxChars); err != nil {
		return fmt.Errorf("property %q %w", shorten(key), errors.Unwrap(err))
	}
	return nil
}

// exec runs one statement of tx under the per-query timeout.
func (d *DB) exec(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	qctx, cancel := d.query(ctx)
	defer cancel()
	_, err := tx.Exec(qctx, sql, args...)
	return translate(err)
}

// repairJSON is how a repair is kept in layer.repairs.
type repairJSON struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

func repairsJSON(rs []planning.Repair) []repairJSON {
	out := make([]repairJSON, len(rs))
	for i, r := range rs {
		out[i] = repairJSON{Index: r.Index, Reason: r.Reason}
	}
	return out
}

// opError names the operation of err: a *planning.Error gets Op (keeping
// its kind and field), anything else is wrapped.
func opError(op string, err error) error {
	var pe *planning.Error
	if errors.As(err, &pe) && pe.Op == "" {
		cp := *pe
		cp.Op = op
		if err == error(pe) {
			return &cp
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	if errors.As(err, &pe) {
		return err
	}
	return &planning.Error{Op: op, Kind: planning.KindOf(err), Err: err}
}
