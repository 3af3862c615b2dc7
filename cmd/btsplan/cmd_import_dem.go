package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strings"
	"time"

	"btsplan/data"
	"btsplan/data/dem"
)

// demFileList is a repeatable --file flag.
type demFileList []string

func (f *demFileList) String() string { return strings.Join(*f, ",") }

func (f *demFileList) Set(v string) error {
	if v == "" {
		return fmt.Errorf("empty file name")
	}
	*f = append(*f, v)
	return nil
}

// runImportDEM is "btsplan import dem": it imports each file as the next
// version of its tile, one atomic import per file, and prints a summary
// line per file and a total. It stops at the first file that fails; the
// files before it stay imported.
func runImportDEM(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import dem", "import dem [--name NAME] --file FILE.hgt|FILE.tif [--file ...] [FILE ...]", env.stderr)
	var files demFileList
	fs.Var(&files, "file", "SRTM .hgt tile or GeoTIFF (int16/float32, EPSG:4326) to import; repeatable, or give files as arguments")
	name := fs.String("name", "srtm", "dataset name (lower-case letters, digits, _ and -)")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	files = append(files, fs.Args()...)
	if len(files) == 0 {
		fmt.Fprintln(env.stderr, "btsplan import dem: no file given (--file FILE)")
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	if err := cfg.needDB(); err != nil {
		return err
	}
	pool, err := data.Open(ctx, cfg.DatabaseURL, data.PoolConfig{MaxConns: 2})
	if err != nil {
		return err
	}
	defer pool.Close()
	store := dem.NewStore(pool, cfg.DataDir)
	store.QueryTimeout = cfg.QueryTimeout

	// The summary lines wait for the bar to finish, so that they do not
	// share its line on a terminal.
	bar := newProgress(env.stderr, "import dem", int64(len(files)))
	var reps []dem.ImportReport
	report := func() {
		for _, rep := range reps {
			fmt.Fprintf(env.stdout, "%s: %s %s@%d:%s, %d×%d cells of %s, %d voids filled, %s stored in %s\n",
				rep.File, rep.Format, rep.Dataset, rep.Version, rep.Tile, rep.Width, rep.Height,
				demStepText(rep.StepDeg), rep.Voids, demByteText(rep.Bytes), rep.Path)
		}
	}
	start := time.Now()
	for i, f := range files {
		bar.update(int64(i), f)
		rep, err := store.Import(ctx, *name, f)
		if err != nil {
			bar.finish(int64(i), "failed")
			report()
			if i > 0 {
				fmt.Fprintf(env.stderr, "import dem: %d of %d files imported before this error\n", i, len(files))
			}
			return err
		}
		reps = append(reps, rep)
	}
	bar.finish(int64(len(files)), "done")
	report()
	var tiles, voids int
	var cells, size int64
	for _, rep := range reps {
		tiles += rep.Tiles
		voids += rep.Voids
		cells += int64(rep.Width) * int64(rep.Height)
		size += rep.Bytes
	}
	fmt.Fprintf(env.stdout, "import dem: %d file(s), %d tile(s), %d cells, %s, %d voids filled, in %s\n",
		len(files), tiles, cells, demByteText(size), voids, time.Since(start).Round(time.Millisecond))
	return nil
}

// demStepText writes a cell size in arc-seconds when it is a whole number of
// them, as SRTM's 1" and 3" are, and in degrees otherwise.
func demStepText(deg float64) string {
	sec := deg * 3600
	if r := math.Round(sec); r >= 1 && math.Abs(sec-r) < 1e-6 {
		return fmt.Sprintf("%g\" (%.7f°)", r, deg)
	}
	return fmt.Sprintf("%.7f°", deg)
}

// demByteText writes a size in bytes, KiB or MiB.
func demByteText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

var _ flag.Value = (*demFileList)(nil)
