package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"btsplan/data"
	"btsplan/planning"
)

func cmdImport(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, "usage: btsplan import layer|admin|dem [flags]   (btsplan import layer --help)")
		fmt.Fprintln(env.stderr, "  layer  a zoning layer (GeoJSON FeatureCollection), as a new version")
		fmt.Fprintln(env.stderr, "  admin  admin units of one level (GeoJSON FeatureCollection of polygons)")
		fmt.Fprintln(env.stderr, "  dem    SRTM .hgt tiles or GeoTIFF elevation files")
		fmt.Fprintln(env.stderr, "  sites  an existing network (OpenCelliD CSV or GeoJSON sites), as a new version")
		fmt.Fprintln(env.stderr, "  gap-list  the official list of trắng/lõm sóng villages (CSV), as a new version")
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "layer":
		return runImportLayer(ctx, env, args[1:])
	case "admin":
		return runImportAdmin(ctx, env, args[1:])
	case "dem":
		return runImportDEM(ctx, env, args[1:])
	case "sites":
		return runImportSites(ctx, env, args[1:])
	case "gap-list":
		return runImportGapList(ctx, env, args[1:])
	}
	return fmt.Errorf("import: unknown kind %q (want layer, admin, dem, sites or gap-list)", args[0])
}

func runImportLayer(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import layer", "import layer --file F --kind KIND --name NAME [--category CODE | --category-field FIELD [--category-map SRC=CODE,...]] [--srid N]", env.stderr)
	file := fs.String("file", "", "GeoJSON FeatureCollection to import (required)")
	kind := fs.String("kind", "", "layer kind: "+fmt.Sprint(planning.LayerKinds))
	name := fs.String("name", "", "layer name; importing a name again makes a new version (required)")
	category := fs.String("category", "", "category code of every feature")
	categoryField := fs.String("category-field", "", "feature property holding the category (with --category-map when it holds source values)")
	categoryMap := fs.String("category-map", "", "source value to category code, as SRC=CODE,SRC=CODE")
	nameField := fs.String("name-field", "name", "feature property holding the feature's name")
	populationField := fs.String("population-field", "", "feature property holding a settlement's population (a whole number; default \"population\" where it is a number)")
	srid := fs.Int("srid", 0, "source CRS as an EPSG code, e.g. 9210 for VN-2000 / TM-3 105.5 (default EPSG:4326 or the file's crs member)")
	source := fs.String("source", "", "where the data came from (default the file name)")
	licence := fs.String("licence", "", "the data's licence")
	allowOutside := fs.Bool("allow-outside", false, "import features outside the source CRS's area of use, Vietnam or every admin unit loaded (refused otherwise, as a sign of the wrong CRS)")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	cm, err := splitMap("category-map", *categoryMap)
	if err != nil {
		return err
	}
	if *file == "" || *kind == "" || *name == "" {
		fs.Usage()
		return fmt.Errorf("import layer: --file, --kind and --name are required")
	}
	spec := planning.LayerSpec{
		Kind: *kind, Name: *name, Category: *category, CategoryField: *categoryField, CategoryMap: cm,
		NameField: *nameField, PopulationField: *populationField, SRID: *srid, Source: *source, Licence: *licence, AllowOutside: *allowOutside,
	}
	if spec.Source == "" {
		spec.Source = *file
	}
	a, err := loadApp(ctx, env)
	if err != nil {
		return err
	}
	defer a.close()
	spec.MaxBytes = a.cfg.MaxLayerBytes
	f, size, err := openInput(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	bar := newProgress(env.stderr, "import "+*name, size)
	start := time.Now()
	var last int
	rep, err := a.svc.ImportLayer(ctx, spec, f, func(n int, b int64) {
		last = n
		bar.update(b, fmt.Sprintf("%d features", n))
	})
	bar.finish(size, fmt.Sprintf("%d features", last))
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", *file, err)
	}
	return printJSON(env.stdout, map[string]any{
		"file": *file, "layer": rep.Layer.Name, "kind": rep.Layer.Kind, "version": rep.Layer.Version,
		"features": rep.Features, "repaired": repairsOut(rep.Repairs), "seconds": time.Since(start).Seconds(),
	})
}

func runImportAdmin(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import admin", "import admin --file F --level LEVEL --code-field FIELD [--parent-field FIELD] [--valid-from YYYY-MM-DD] [--valid-to YYYY-MM-DD] [--srid N]", env.stderr)
	file := fs.String("file", "", "GeoJSON FeatureCollection of Polygons or MultiPolygons, one feature per unit (required)")
	level := fs.String("level", "", "the units' level, as data: province, district, commune... (required)")
	codeField := fs.String("code-field", "code", "feature property holding the unit's code")
	nameField := fs.String("name-field", "name", "feature property holding the unit's name")
	parentField := fs.String("parent-field", "", "feature property holding the parent unit's code")
	validFrom := fs.String("valid-from", "2008-01-01", "first day in force (Vietnam date)")
	validTo := fs.String("valid-to", "", "first day no longer in force, e.g. 2025-07-01 for districts (empty while in force)")
	srid := fs.Int("srid", 0, "source CRS as an EPSG code (default EPSG:4326 or the file's crs member)")
	allowOutside := fs.Bool("allow-outside", false, "import units outside the source CRS's area of use or Vietnam (refused otherwise, as a sign of the wrong CRS)")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if *file == "" || *level == "" {
		fs.Usage()
		return fmt.Errorf("import admin: --file and --level are required")
	}
	spec := data.AdminSpec{Level: *level, CodeField: *codeField, NameField: *nameField, ParentField: *parentField, SRID: *srid,
		AllowOutside: *allowOutside}
	var err error
	if spec.ValidFrom, err = time.Parse(time.DateOnly, *validFrom); err != nil {
		return fmt.Errorf("--valid-from %q: want YYYY-MM-DD", *validFrom)
	}
	if *validTo != "" {
		t, err := time.Parse(time.DateOnly, *validTo)
		if err != nil {
			return fmt.Errorf("--valid-to %q: want YYYY-MM-DD", *validTo)
		}
		spec.ValidTo = &t
	}
	a, err := loadApp(ctx, env)
	if err != nil {
		return err
	}
	defer a.close()
	spec.MaxBytes = a.cfg.MaxLayerBytes
	f, _, err := openInput(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := a.admin.ImportAdminUnits(ctx, spec, f)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", *file, err)
	}
	return printJSON(env.stdout, map[string]any{"file": *file, "level": *level, "units": rep.Units, "repaired": repairsOut(rep.Repairs)})
}

// openInput opens a file, or stdin for "-", with its size when known.
func openInput(name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), 0, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return f, size, nil
}

type repairOut struct {
	Feature int    `json:"feature"`
	Reason  string `json:"reason"`
}

func repairsOut(rs []planning.Repair) []repairOut {
	out := make([]repairOut, 0, len(rs))
	for _, r := range rs {
		out = append(out, repairOut{Feature: r.Index, Reason: r.Reason})
	}
	return out
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
