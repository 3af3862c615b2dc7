package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/dem"
	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/planning"
)

// sectorList is the repeatable --sector flag: "az,tilt[,gain[,hbw[,vbw]]]".
type sectorList []coverage.Sector

func (l *sectorList) String() string { return fmt.Sprint(len(*l), " sectors") }

func (l *sectorList) Set(v string) error {
	parts := strings.Split(v, ",")
	if len(parts) < 1 || len(parts) > 5 {
		return fmt.Errorf("%q: want az,tilt,gain,hbw,vbw", v)
	}
	var n [5]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return fmt.Errorf("%q: %q is not a number (want az,tilt,gain,hbw,vbw)", v, p)
		}
		n[i] = f
	}
	*l = append(*l, coverage.Sector{AzimuthDeg: n[0], ElecTiltDeg: n[1], GainDBi: n[2], HBeamwidthDeg: n[3], VBeamwidthDeg: n[4]})
	return nil
}

// coverageFlags are the parsed flags of "btsplan coverage".
type coverageFlags struct {
	lon, lat, heightM, rxHeightM, freqMHz  float64
	eirpDBm, txPowerDBm, lossesDBm         float64
	tech, metric, pattern                  string
	thresholdDBm                           float64
	reliability                            string
	climate                                int
	n0                                     float64
	terrainSampling                        string
	defs                                   planning.RadioDefaults
	radiusM, cellArcSec                    float64
	demFile                                string
	outTIF, outPNG, outLegend, outGeoJSON  string
	store                                  bool
	workers                                int
	sectors                                sectorList
	lonSet, latSet, freqSet, eirpOrTxPower bool
}

const coverageSynopsis = `coverage --lon LON --lat LAT --freq MHZ (--eirp DBM | --tx-power DBM [--losses DB])
       [--height M] [--tech GSM|UMTS|LTE|NR | --metric level|RSCP|RSRP|SS-RSRP] [--threshold DBM]
       [--sector AZ,TILT,GAIN,HBW,VBW ...] [--pattern FILE.msi] [--rx-height M]
       [--reliability TIME,LOCATION] [--climate N] [--n0 N] [--radius M] [--cell ARCSEC]
       [--terrain-sampling bilinear|nearest]
       [--dem FILE.hgt|FILE.tif] [--out-tif F] [--out-png F] [--out-legend F] [--out-geojson F] [--store]

Computes the terrain-aware coverage (ITM 1.2.2) of one site and prints a JSON summary.
The terrain comes from --dem (decoded directly, no database) or from the DEM tiles
imported into the database (DATABASE_URL). --store saves the result to the database
and BTSPLAN_DATA_DIR, or returns the stored one when the same inputs were computed.
Without --sector the site has one omnidirectional antenna. A sector's tilt is its
electrical downtilt in degrees; with --pattern its gain and beamwidths come from the file.`

func parseCoverageFlags(env *environment, args []string) (coverageFlags, error) {
	var f coverageFlags
	// The defaults are the one radio configuration that proposals,
	// existing sites and POST /v1/coverage read: the national one, since
	// a point names no province.
	book, err := planning.LoadRadioBook(nil)
	if err != nil {
		return f, err
	}
	f.defs = book.National()
	rel := strconv.FormatFloat(f.defs.TimePct, 'g', -1, 64) + "," + strconv.FormatFloat(f.defs.LocationPct, 'g', -1, 64) +
		"," + strconv.FormatFloat(f.defs.SituationPct, 'g', -1, 64)
	fs := newFlags("coverage", coverageSynopsis, env.stderr)
	fs.Float64Var(&f.lon, "lon", 0, "site longitude, degrees (EPSG:4326)")
	fs.Float64Var(&f.lat, "lat", 0, "site latitude, degrees (EPSG:4326)")
	fs.Float64Var(&f.heightM, "height", 30, "antenna height above ground, m")
	fs.Float64Var(&f.rxHeightM, "rx-height", f.defs.RxHeightM, "receiver height above ground, m")
	fs.Float64Var(&f.freqMHz, "freq", 0, "carrier frequency, MHz")
	fs.Float64Var(&f.eirpDBm, "eirp", 0, "EIRP of each sector over the carrier, dBm")
	fs.Float64Var(&f.txPowerDBm, "tx-power", 0, "transmitter power per sector, dBm (EIRP = tx-power - losses + gain)")
	fs.Float64Var(&f.lossesDBm, "losses", 0, "feeder, connector and combiner losses, dB")
	fs.StringVar(&f.tech, "tech", "", "technology: GSM, UMTS, LTE or NR (chooses the metric and default threshold)")
	fs.StringVar(&f.metric, "metric", "", "metric instead of --tech: level (GSM), RSCP (UMTS), RSRP (LTE) or SS-RSRP (NR)")
	fs.Float64Var(&f.thresholdDBm, "threshold", 0, "coverage threshold, dBm of the metric (default the technology's in the radio defaults; required without --tech/--metric)")
	fs.Var(&f.sectors, "sector", "a sector `az,tilt,gain,hbw,vbw` (degrees, degrees, dBi, degrees, degrees); repeatable")
	fs.StringVar(&f.pattern, "pattern", "", "antenna pattern file (.msi / Planet) for every sector")
	fs.StringVar(&f.reliability, "reliability", rel, "ITM `time,location` percentages (and optionally ,situation)")
	fs.IntVar(&f.climate, "climate", f.defs.Climate, "ITM radio climate, 1..7 (3 maritime subtropical fits northern Vietnam; 5 is SPLAT!'s)")
	fs.Float64Var(&f.n0, "n0", f.defs.N0, "sea-level surface refractivity, N-units (301 is SPLAT!'s)")
	fs.StringVar(&f.terrainSampling, "terrain-sampling", string(coverage.SamplingBilinear),
		"how profiles read the DEM: bilinear (ITU-R P.1144) or nearest (the nearest post, as SPLAT! and Signal-Server)")
	fs.Float64Var(&f.radiusM, "radius", coverage.DefaultRadiusM, "radius computed, m")
	fs.Float64Var(&f.cellArcSec, "cell", 0, "output cell, arc-seconds (default the DEM's; must divide it)")
	fs.StringVar(&f.demFile, "dem", "", "DEM file (.hgt or GeoTIFF) to decode directly instead of the database's tiles")
	fs.StringVar(&f.outTIF, "out-tif", "", "write the received level as GeoTIFF here")
	fs.StringVar(&f.outPNG, "out-png", "", "write the PNG overlay here")
	fs.StringVar(&f.outLegend, "out-legend", "", "write the overlay's legend (PNG) here")
	fs.StringVar(&f.outGeoJSON, "out-geojson", "", "write the covered area as GeoJSON here")
	fs.BoolVar(&f.store, "store", false, "save the coverage to the database (or get the stored one)")
	fs.IntVar(&f.workers, "workers", 0, "goroutines (default GOMAXPROCS)")
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "lon":
			f.lonSet = true
		case "lat":
			f.latSet = true
		case "freq":
			f.freqSet = true
		case "eirp", "tx-power":
			f.eirpOrTxPower = true
		}
	})
	var missing []string
	for name, ok := range map[string]bool{"--lon": f.lonSet, "--lat": f.latSet, "--freq": f.freqSet, "--eirp or --tx-power": f.eirpOrTxPower} {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 || fs.NArg() > 0 {
		if len(missing) > 0 {
			slices.Sort(missing)
			fmt.Fprintf(env.stderr, "btsplan coverage: missing %s\n", strings.Join(missing, ", "))
		} else {
			fmt.Fprintf(env.stderr, "btsplan coverage: unexpected arguments %v\n", fs.Args())
		}
		fs.Usage()
		return f, errUsage
	}
	return f, nil
}

// params builds the engine's inputs from the flags. Errors name the flag.
func (f *coverageFlags) params() (coverage.Params, coverage.Options, error) {
	p := coverage.Params{
		Location:     orb.Point{f.lon, f.lat},
		HeightM:      f.heightM,
		RxHeightM:    f.rxHeightM,
		FreqMHz:      f.freqMHz,
		ThresholdDBm: f.thresholdDBm,
		Radio:        f.defs.Radio(),
	}
	tech := coverage.Technology(strings.ToUpper(f.tech))
	if f.metric != "" {
		byMetric := map[string]coverage.Technology{"level": coverage.GSM, "rscp": coverage.UMTS, "rsrp": coverage.LTE, "ss-rsrp": coverage.NR}
		mt, ok := byMetric[strings.ToLower(f.metric)]
		switch {
		case !ok:
			return p, coverage.Options{}, fmt.Errorf("--metric %q: want level, RSCP, RSRP or SS-RSRP", f.metric)
		case tech != "" && tech != mt:
			return p, coverage.Options{}, fmt.Errorf("--metric %s does not go with --tech %s", f.metric, f.tech)
		}
		tech = mt
	}
	p.Technology = tech
	if td, ok := f.defs.Tech(string(tech)); ok && p.ThresholdDBm == 0 {
		p.ThresholdDBm = td.ThresholdDBm
	}
	p.Radio.Climate, p.Radio.N0 = f.climate, f.n0
	rel := strings.Split(f.reliability, ",")
	if len(rel) < 2 || len(rel) > 3 {
		return p, coverage.Options{}, fmt.Errorf("--reliability %q: want time,location[,situation] percentages", f.reliability)
	}
	pcts := []*float64{&p.Radio.TimePct, &p.Radio.LocationPct, &p.Radio.SituationPct}
	for i, s := range rel {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return p, coverage.Options{}, fmt.Errorf("--reliability %q: %q is not a number", f.reliability, s)
		}
		*pcts[i] = v
	}
	var pat *coverage.Pattern
	if f.pattern != "" {
		fh, err := os.Open(f.pattern)
		if err != nil {
			return p, coverage.Options{}, fmt.Errorf("--pattern: %w", err)
		}
		pat, err = coverage.ParseMSI(fh)
		fh.Close()
		if err != nil {
			return p, coverage.Options{}, fmt.Errorf("--pattern %s: %w", f.pattern, err)
		}
	}
	sectors := f.sectors
	if len(sectors) == 0 {
		sectors = sectorList{{}} // one omnidirectional antenna
	}
	for _, s := range sectors {
		s.Pattern = pat
		s.EIRPdBm, s.TxPowerDBm, s.LossesDB = f.eirpDBm, f.txPowerDBm, f.lossesDBm
		p.Sectors = append(p.Sectors, s)
	}
	return p, coverage.Options{RadiusM: f.radiusM, CellArcSec: f.cellArcSec, Workers: f.workers,
		TerrainSampling: coverage.TerrainSampling(f.terrainSampling)}, nil
}

// coverageFlagNames maps the engine's input paths (coverage.Field*) to
// the flags that set them.
var coverageFlagNames = map[string]string{
	coverage.FieldLocation: "--lon/--lat", coverage.FieldDEM: "--dem", coverage.FieldHeightM: "--height",
	coverage.FieldRxHeightM: "--rx-height", coverage.FieldFreqMHz: "--freq", coverage.FieldTechnology: "--tech",
	coverage.FieldThresholdDBm: "--threshold", coverage.FieldRadiusM: "--radius", coverage.FieldTerrainSampling: "--terrain-sampling",
	coverage.FieldCellArcSec: "--cell", coverage.FieldWorkers: "--workers", coverage.FieldSectors: "--sector",
	coverage.FieldProfileStepM:                 "--radius/--dem",
	coverage.RadioField(coverage.FieldClimate): "--climate", coverage.RadioField(coverage.FieldN0): "--n0",
	coverage.RadioField(coverage.FieldTimePct): "--reliability", coverage.RadioField(coverage.FieldLocationPct): "--reliability",
	coverage.RadioField(coverage.FieldSituationPct): "--reliability",
	// Members of every sector.
	coverage.FieldEIRPdBm: "--eirp/--tx-power", coverage.FieldLossesDB: "--losses",
}

// flagError names the flag behind an engine input error.
func flagError(err error) error {
	var ie *coverage.InputError
	var pe *planning.Error
	field := ""
	switch {
	case errors.As(err, &ie):
		field = ie.Field
	case errors.As(err, &pe) && pe.Field != "":
		// The service's error: name the field, not the operation.
		field, err = pe.Field, fmt.Errorf("%s: %w", pe.Field, pe.Err)
	case errors.Is(err, coverage.ErrDEMCoverage):
		field = coverage.FieldLocation
	}
	if field == "" {
		return err
	}
	name := coverageFlagNames[field]
	if rest, ok := strings.CutPrefix(field, coverage.FieldSectors+"/"); ok {
		index, member, _ := strings.Cut(rest, "/")
		name = "--sector " + index
		if n, ok := coverageFlagNames[member]; ok {
			name = n
		}
	}
	if name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// fileTerrain is a TerrainSource of one decoded DEM file: the window is
// the whole file (the engine crops it).
type fileTerrain struct {
	grid *geo.Grid
	info planning.TerrainInfo
}

func newFileTerrain(path string) (*fileTerrain, error) {
	g, di, err := dem.Decode(path)
	if err != nil {
		return nil, fmt.Errorf("--dem: %w", err)
	}
	sum := di.SHA256
	if len(sum) > 16 {
		sum = sum[:16]
	}
	return &fileTerrain{grid: g, info: planning.TerrainInfo{
		// The file's content, not its name, identifies the data.
		Version:    fmt.Sprintf("file:%s@sha256:%s", di.Tile, sum),
		Tiles:      []string{filepath.Base(path)},
		StepLonDeg: g.DLon,
		StepLatDeg: g.DLat,
	}}, nil
}

func (t *fileTerrain) Window(context.Context, float64, float64, float64) (*geo.Grid, planning.TerrainInfo, error) {
	return t.grid, t.info, nil
}

func (t *fileTerrain) Info(context.Context, float64, float64, float64) (planning.TerrainInfo, error) {
	return t.info, nil
}

// coverageSummary is what the command prints: the coverage as the API
// gives it (api.CoverageJSON, snake_case) and the files written.
type coverageSummary struct {
	api.CoverageJSON
	Files map[string]string `json:"files,omitempty"`
}

// cmdCoverage is "btsplan coverage".
func cmdCoverage(ctx context.Context, env *environment, args []string) error {
	f, err := parseCoverageFlags(env, args)
	if err != nil {
		return helpOK(err)
	}
	site, opts, err := f.params()
	if err != nil {
		return err
	}
	// Validate before opening anything.
	if _, err := coverage.Hash(site, opts); err != nil {
		return flagError(err)
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}

	var terrain planning.TerrainSource
	var db *data.DB
	if f.demFile != "" {
		if terrain, err = newFileTerrain(f.demFile); err != nil {
			return err
		}
	}
	if f.demFile == "" || f.store {
		if err := cfg.needDB(); err != nil {
			return fmt.Errorf("%w (or give --dem FILE without --store)", err)
		}
		pool, err := data.Open(ctx, cfg.DatabaseURL, data.PoolConfig{MaxConns: 2})
		if err != nil {
			return err
		}
		defer pool.Close()
		db = data.NewDB(pool, data.PoolConfig{QueryTimeout: cfg.QueryTimeout})
		if terrain == nil {
			ds := dem.NewStore(pool, cfg.DataDir)
			ds.QueryTimeout = cfg.QueryTimeout
			terrain = dem.Terrain{Store: ds}
		}
	}

	// The engine calls progress serially, never concurrently.
	var bar *progressBar
	var raysDone int
	progress := func(done, total int) {
		if bar == nil {
			bar = newProgress(env.stderr, "coverage", int64(total))
		}
		raysDone = done
		bar.update(int64(done), fmt.Sprintf("%d/%d rays", done, total))
	}
	t0 := time.Now()
	var store *data.CoverageStore
	var cstore planning.CoverageStore // nil: compute without a cache
	if f.store {
		store = data.NewCoverageStore(db, cfg.DataDir)
		cstore = store
	}
	// The command has the machine to itself: every core by default.
	workers := f.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	svc := planning.NewCoverageService(planning.CoverageConfig{Workers: workers}, terrain, cstore, nil)
	c, err := svc.Compute(ctx, site, opts, progress)
	if bar != nil {
		bar.finish(int64(raysDone), "")
	}
	if err != nil {
		return flagError(err)
	}
	if c.ElapsedMS == 0 && !c.Cached {
		c.ElapsedMS = time.Since(t0).Milliseconds()
	}
	files, err := writeCoverageOutputs(ctx, f, c, store)
	if err != nil {
		return err
	}
	out := coverageSummary{CoverageJSON: api.NewCoverageJSON(c), Files: files}
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeCoverageOutputs writes the --out-* files: from the fresh grid, or
// copied from the store when the coverage came from it.
func writeCoverageOutputs(ctx context.Context, f coverageFlags, c planning.Coverage, store *data.CoverageStore) (map[string]string, error) {
	files := map[string]string{}
	raster := []struct {
		path string
		file planning.CoverageFile
	}{{f.outTIF, planning.CoverageGeoTIFF}, {f.outPNG, planning.CoveragePNG}, {f.outLegend, planning.CoverageLegend}}
	for _, r := range raster {
		if r.path == "" {
			continue
		}
		if err := writeCoverageFile(ctx, r.path, r.file, c, store); err != nil {
			return nil, err
		}
		files[string(r.file)] = r.path
	}
	if f.outGeoJSON != "" {
		fc := api.CoverageFeatureCollection(c)
		b, err := json.Marshal(fc)
		if err != nil {
			return nil, fmt.Errorf("--out-geojson: %w", err)
		}
		if err := os.WriteFile(f.outGeoJSON, append(b, '\n'), 0o644); err != nil {
			return nil, fmt.Errorf("--out-geojson: %w", err)
		}
		files["geojson"] = f.outGeoJSON
	}
	return files, nil
}

func writeCoverageFile(ctx context.Context, path string, file planning.CoverageFile, c planning.Coverage, store *data.CoverageStore) (err error) {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", path, cerr)
		}
	}()
	if c.Grid != nil {
		w := map[planning.CoverageFile]io.Writer{file: out}
		return data.WriteCoverageFiles(c.Grid, c.Metric, c.ThresholdDBm, w[planning.CoverageGeoTIFF], w[planning.CoveragePNG], w[planning.CoverageLegend])
	}
	if store == nil {
		return fmt.Errorf("write %s: the coverage has no raster", path)
	}
	rc, err := store.OpenCoverageFile(ctx, c, file)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(out, rc); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
