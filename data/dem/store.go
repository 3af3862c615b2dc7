package dem

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/lock_tile.sql
	qLockTile string
	//go:embed sql/tile_next_version.sql
	qTileNextVersion string
	//go:embed sql/tile_retire.sql
	qTileRetire string
	//go:embed sql/tile_insert.sql
	qTileInsert string
	//go:embed sql/tiles_in_box.sql
	qTilesInBox string
)

// datasetName is the form of a dataset name; it is also a folder name.
var datasetName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Store keeps DEM tiles in dir, indexed by PostGIS (table dem_tile).
type Store struct {
	pool *pgxpool.Pool
	dir  string
	// QueryTimeout bounds each database statement on top of the caller's
	// context; 0 means only the caller's context.
	QueryTimeout time.Duration

	// beforeCommit, when set, runs after the tile file is renamed into
	// place and before the commit; tests use it to make an import fail at
	// its last step.
	beforeCommit func() error
}

// NewStore returns a Store that keeps its tile files under dir/dem (dir is
// BTSPLAN_DATA_DIR) and indexes them in pool's dem_tile table.
func NewStore(pool *pgxpool.Pool, dir string) *Store {
	return &Store{pool: pool, dir: dir}
}

// ImportReport describes one import.
type ImportReport struct {
	File          string // the imported file, as given
	Dataset       string // the dataset name
	Tile          string // the tile key: N21E105, or the GeoTIFF's base name
	Tiles         int    // tiles stored: one per file
	Width, Height int    // cells
	StepDeg       float64
	Voids         int // voids filled by interpolation
	Version       int // of (Dataset, Tile), from 1
	Bound         orb.Bound
	Format        string // FormatHGT or FormatGeoTIFF
	Path          string // of the stored tile, relative to the data directory
	Bytes         int64  // of the stored tile
	SHA256        string // of the imported file, hex
	ImportedAt    time.Time
}

// Import decodes the HGT or GeoTIFF at path (see Decode), fills its voids
// with geo.FillVoids and stores it as the next version of its tile in
// dataset name. The import is atomic: the tile file and its dem_tile row
// appear together, or neither does.
//
// Errors: Invalid for a bad dataset name, for any file Decode rejects
// (naming the file and the reason) and for a file that is entirely void;
// NotFound for a missing file; Unavailable when the database is down or
// too slow; Internal when the data directory cannot be written.
func (s *Store) Import(ctx context.Context, name, path string) (ImportReport, error) {
	rep, err := s.importFile(ctx, name, path)
	if err != nil {
		return ImportReport{}, fmt.Errorf("import dem %s into %q: %w", path, name, err)
	}
	return rep, nil
}

func (s *Store) importFile(ctx context.Context, name, path string) (rep ImportReport, err error) {
	if !datasetName.MatchString(name) {
		return rep, planning.FieldError("name", "dataset name %q is not lower-case letters, digits, _ and -", name)
	}
	g, info, err := Decode(path)
	if err != nil {
		return rep, err
	}
	voidIdx := make([]uint32, 0, info.Voids)
	for y := 0; y < g.H; y++ {
		for x, v := range g.Pix[y*g.Stride : y*g.Stride+g.W] {
			if v != v {
				voidIdx = append(voidIdx, uint32(y*g.W+x))
			}
		}
	}
	if filled := geo.FillVoids(g); filled != len(voidIdx) {
		return rep, &planning.Error{Kind: planning.Invalid, Field: path,
			Err: fmt.Errorf("%d of %d cells are voids with no valid height to fill them from", len(voidIdx)-filled, g.W*g.H)}
	}

	tileDir := filepath.Join(s.dir, "dem", name)
	if err := os.MkdirAll(tileDir, 0o755); err != nil {
		return rep, fmt.Errorf("create tile folder: %w", err)
	}
	tmp, err := os.CreateTemp(tileDir, ".import-*.tmp")
	if err != nil {
		return rep, fmt.Errorf("create tile file: %w", err)
	}
	final := ""
	defer func() {
		if err == nil {
			return
		}
		// Nothing of a failed import is left: not the temporary file, nor
		// the renamed one (the transaction is rolled back by its defer).
		os.Remove(tmp.Name())
		if final != "" {
			os.Remove(final)
		}
	}()
	h := sha256.New()
	werr := writeTile(io.MultiWriter(tmp, h), g, voidIdx)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return rep, fmt.Errorf("write tile file: %w", werr)
	}
	st, err := os.Stat(tmp.Name())
	if err != nil {
		return rep, fmt.Errorf("write tile file: %w", err)
	}
	storedSum := hex.EncodeToString(h.Sum(nil))

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return rep, translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit

	if err := s.exec(ctx, tx, qLockTile, "dem:"+name+"/"+info.Tile); err != nil {
		return rep, err
	}
	var version int32
	qctx, cancel := s.query(ctx)
	err = tx.QueryRow(qctx, qTileNextVersion, name, info.Tile).Scan(&version)
	cancel()
	if err != nil {
		return rep, translate(err)
	}
	if err := s.exec(ctx, tx, qTileRetire, name, info.Tile); err != nil {
		return rep, err
	}
	base := fmt.Sprintf("%s.v%d.dem", info.Tile, version)
	rel := filepath.ToSlash(filepath.Join("dem", name, base))
	b := g.Bound()
	var id int64
	var at time.Time
	qctx, cancel = s.query(ctx)
	err = tx.QueryRow(qctx, qTileInsert, name, info.Tile, version, rel, filepath.Base(path), info.Format,
		info.SHA256, storedSum, st.Size(), g.W, g.H, g.West, g.North, g.DLon, g.DLat, len(voidIdx),
		b.Min[0], b.Min[1], b.Max[0], b.Max[1], geo.SRIDWGS84).Scan(&id, &at)
	cancel()
	if err != nil {
		return rep, translate(err)
	}
	// Rename before the commit: a committed row must never name a missing
	// file, while a file without a row is never read.
	final = filepath.Join(tileDir, base)
	if err := os.Rename(tmp.Name(), final); err != nil {
		final = ""
		return rep, fmt.Errorf("move tile file into place: %w", err)
	}
	syncDir(tileDir)
	if s.beforeCommit != nil {
		if err := s.beforeCommit(); err != nil {
			return rep, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, translate(err)
	}
	return ImportReport{
		File: path, Dataset: name, Tile: info.Tile, Tiles: 1,
		Width: g.W, Height: g.H, StepDeg: g.DLat, Voids: len(voidIdx), Version: int(version),
		Bound: b, Format: info.Format, Path: rel, Bytes: st.Size(), SHA256: info.SHA256, ImportedAt: at,
	}, nil
}

// syncDir flushes a folder's entries so that a rename survives a crash;
// it is best effort, as not every file system supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck
		d.Close()
	}
}

// query returns ctx bounded by the per-query timeout.
func (s *Store) query(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.QueryTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.QueryTimeout)
}

func (s *Store) exec(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	ctx, cancel := s.query(ctx)
	defer cancel()
	_, err := tx.Exec(ctx, sql, args...)
	return translate(err)
}

// translate maps driver errors to planning kinds, as data/ does.
func translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" {
		return fmt.Errorf("the DEM index is missing; run btsplan migrate: %w", err)
	}
	return data.Translate(err)
}
