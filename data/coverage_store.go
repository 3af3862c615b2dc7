package data

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/geo/raster"
	"btsplan/geo/raster/geotiff"
	"btsplan/planning"
)

var (
	//go:embed sql/coverage_insert.sql
	qCoverageInsert string
	//go:embed sql/coverage_by_id.sql
	qCoverageByID string
	//go:embed sql/coverage_by_hash.sql
	qCoverageByHash string
	//go:embed sql/coverage_of_assessment.sql
	qCoverageOfAssessment string
	//go:embed sql/coverage_of_proposals.sql
	qCoverageOfProposals string
	//go:embed sql/coverage_link.sql
	qCoverageLink string
)

// CoverageNoData is the GeoTIFF nodata value of the coverage rasters: the
// cells beyond the radius and those where ITM failed. GIS clients read a
// finite sentinel more reliably than NaN.
const CoverageNoData = -9999

// CoverageStore keeps coverages in coverage_result and their raster files
// under dir/coverage/; it implements planning.CoverageStore.
type CoverageStore struct {
	db  *DB
	dir string
}

var _ planning.CoverageStore = (*CoverageStore)(nil)

// NewCoverageStore returns a CoverageStore on db whose raster files live
// under dataDir (BTSPLAN_DATA_DIR).
func NewCoverageStore(db *DB, dataDir string) *CoverageStore {
	return &CoverageStore{db: db, dir: dataDir}
}

var inputHashRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// SaveCoverage writes c.Grid as GeoTIFF, PNG overlay and legend (see
// WriteCoverageFiles) and stores c, filling in c.ID, c.Files and
// c.CreatedAt. When the same input hash is stored already it fills c from
// the stored coverage instead. Errors: Invalid for a coverage without a
// grid or hash; Internal when a file cannot be written; Unavailable.
func (s *CoverageStore) SaveCoverage(ctx context.Context, c *planning.Coverage) error {
	const op = "save coverage"
	switch {
	case c == nil || c.Grid == nil:
		return &planning.Error{Op: op, Kind: planning.Invalid, Err: errors.New("a coverage to store needs its raster")}
	case !inputHashRE.MatchString(c.InputHash):
		return &planning.Error{Op: op, Kind: planning.Invalid, Field: "input_hash", Err: fmt.Errorf("%q is not a sha256: hash", c.InputHash)}
	}
	files, err := s.writeFiles(c)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	inputs, err := json.Marshal(c.Inputs)
	if err != nil {
		return fmt.Errorf("%s: encode inputs: %w", op, err)
	}
	limits, err := json.Marshal(c.Limits.JSON())
	if err != nil {
		return fmt.Errorf("%s: encode limits: %w", op, err)
	}
	filesJSON, err := json.Marshal(files)
	if err != nil {
		return fmt.Errorf("%s: encode files: %w", op, err)
	}
	covered := c.Covered
	if covered == nil {
		covered = orb.MultiPolygon{}
	}
	g, err := ewkbOf(covered)
	if err != nil {
		return &planning.Error{Op: op, Kind: planning.Invalid, Field: "covered", Err: err}
	}
	b := c.Bound
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	err = s.db.pool.QueryRow(qctx, qCoverageInsert, c.InputHash, inputs, c.Model, c.DEMVersion, limits,
		string(c.Metric), c.ThresholdDBm, c.AreaKm2, c.CoveredCells, c.CellArcSec,
		b.Min[0], b.Min[1], b.Max[0], b.Max[1], filesJSON, g).Scan(&c.ID, &c.CreatedAt)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		// Stored by a concurrent computation of the same inputs.
		stored, err := s.CoverageByHash(ctx, c.InputHash)
		if err != nil {
			return fmt.Errorf("%s: read the stored one: %w", op, err)
		}
		grid, elapsed := c.Grid, c.ElapsedMS
		*c = stored
		c.Grid, c.ElapsedMS = grid, elapsed
		return nil
	case err != nil:
		return opError(op, translate(err))
	}
	c.Files = files
	return nil
}

// writeFiles writes c's raster files under s.dir and returns their paths
// relative to it.
func (s *CoverageStore) writeFiles(c *planning.Coverage) (map[planning.CoverageFile]string, error) {
	hexHash := strings.TrimPrefix(c.InputHash, "sha256:")
	rel := map[planning.CoverageFile]string{}
	for _, f := range planning.CoverageFiles {
		rel[f] = path.Join("coverage", hexHash[:2], hexHash+"."+string(f))
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "coverage", hexHash[:2]), 0o755); err != nil {
		return nil, fmt.Errorf("coverage folder: %w", err)
	}
	var bufs [3]bytes.Buffer
	if err := WriteCoverageFiles(c.Grid, c.Metric, c.ThresholdDBm, &bufs[0], &bufs[1], &bufs[2]); err != nil {
		return nil, err
	}
	for i, f := range planning.CoverageFiles {
		if err := writeFileAtomic(filepath.Join(s.dir, filepath.FromSlash(rel[f])), bufs[i].Bytes()); err != nil {
			return nil, err
		}
	}
	return rel, nil
}

// writeFileAtomic writes b to a temporary file beside name and renames it,
// so a reader never sees half a file, even when two computations of the
// same inputs write the same name.
func writeFileAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// WriteCoverageFiles encodes a received-level grid of metric with its
// threshold in dBm as a float32 GeoTIFF (nodata CoverageNoData) to tif,
// the PNG overlay through CoverageRamp to png and the ramp's legend to
// legend. cmd's coverage command writes the same files.
func WriteCoverageFiles(g *geo.Grid, metric coverage.Metric, thresholdDBm float64, tif, png, legend io.Writer) error {
	if tif != nil {
		if err := geotiff.Write(tif, g, CoverageNoData); err != nil {
			return fmt.Errorf("coverage geotiff: %w", err)
		}
	}
	ramp := CoverageRamp(thresholdDBm)
	if png != nil {
		if err := raster.RenderPNG(png, g, ramp); err != nil {
			return fmt.Errorf("coverage png: %w", err)
		}
	}
	if legend != nil {
		if err := ramp.LegendPNG(legend, CoverageLegendTitle(metric, thresholdDBm)); err != nil {
			return fmt.Errorf("coverage legend: %w", err)
		}
	}
	return nil
}

// CoverageRamp returns the colour classes of a coverage overlay: the five
// classes of raster.RSRPRamp moved so that the second ("poor") starts at
// the threshold; for LTE's default -110 dBm it is RSRPRamp itself. The
// first class ("edge") shows the 10 dB below the threshold.
func CoverageRamp(thresholdDBm float64) raster.Ramp {
	r := raster.RSRPRamp()
	shift := thresholdDBm - r[1].MinDBm
	for i := range r {
		r[i].MinDBm += shift
	}
	return r
}

// CoverageLegendTitle is the legend's title: the metric and the threshold.
func CoverageLegendTitle(metric coverage.Metric, thresholdDBm float64) string {
	return fmt.Sprintf("%s dBm (covered >= %g)", metric, thresholdDBm)
}

// Coverage returns coverage id with its geometry. Errors: NotFound,
// Unavailable.
func (s *CoverageStore) Coverage(ctx context.Context, id int64) (planning.Coverage, error) {
	return s.one(ctx, fmt.Sprintf("coverage %d", id), qCoverageByID, id)
}

// CoverageByHash returns the coverage of an input hash. Errors: NotFound,
// Unavailable.
func (s *CoverageStore) CoverageByHash(ctx context.Context, inputHash string) (planning.Coverage, error) {
	return s.one(ctx, "coverage "+inputHash, qCoverageByHash, inputHash)
}

// AssessmentCoverage returns the coverage linked to an assessment.
// Errors: NotFound, Unavailable.
func (s *CoverageStore) AssessmentCoverage(ctx context.Context, assessmentID int64) (planning.Coverage, error) {
	return s.one(ctx, fmt.Sprintf("coverage of assessment %d", assessmentID), qCoverageOfAssessment, assessmentID)
}

func (s *CoverageStore) one(ctx context.Context, op, sql string, arg any) (planning.Coverage, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var r coverageRow
	var wkb []byte
	if err := s.db.pool.QueryRow(ctx, sql, arg).Scan(append(r.dest(), &wkb)...); err != nil {
		return planning.Coverage{}, opError(op, translate(err))
	}
	c, err := r.coverage()
	if err != nil {
		return planning.Coverage{}, fmt.Errorf("%s: %w", op, err)
	}
	g, err := orbOf(wkb)
	if err != nil {
		return planning.Coverage{}, fmt.Errorf("%s: %w", op, err)
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok {
		return planning.Coverage{}, fmt.Errorf("%s: covered is a %T", op, g)
	}
	c.Covered = mp
	return c, nil
}

// LinkCoverage records coverageID as the coverage of assessment
// assessmentID of proposal proposalID, replacing an earlier link.
// Errors: NotFound when the assessment is not that proposal's; Invalid for
// an unknown coverage; Unavailable.
func (s *CoverageStore) LinkCoverage(ctx context.Context, proposalID, assessmentID, coverageID int64) error {
	op := fmt.Sprintf("link assessment %d to coverage %d", assessmentID, coverageID)
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var got int64
	err := s.db.pool.QueryRow(ctx, qCoverageLink, proposalID, assessmentID, coverageID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return &planning.Error{Op: op, Kind: planning.NotFound, Err: fmt.Errorf("proposal %d has no assessment %d", proposalID, assessmentID)}
	}
	if err != nil {
		return opError(op, translate(err))
	}
	return nil
}

// ProposalCoverages returns the coverages (without geometry) of the latest
// assessments of those of proposalIDs that have one. Errors: Unavailable.
func (s *CoverageStore) ProposalCoverages(ctx context.Context, proposalIDs []int64) (map[int64]planning.Coverage, error) {
	const op = "coverages of proposals"
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qCoverageOfProposals, proposalIDs)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	out := map[int64]planning.Coverage{}
	for rows.Next() {
		var pid int64
		var r coverageRow
		if err := rows.Scan(append([]any{&pid}, r.dest()...)...); err != nil {
			return nil, opError(op, translate(err))
		}
		c, err := r.coverage()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out[pid] = c
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// OpenCoverageFile opens one of c's raster files. Errors: NotFound when c
// has no such file or it is missing on disk; Internal for a stored path
// that leaves the data directory.
func (s *CoverageStore) OpenCoverageFile(_ context.Context, c planning.Coverage, f planning.CoverageFile) (io.ReadCloser, error) {
	op := fmt.Sprintf("coverage %d %s", c.ID, f)
	rel, ok := c.Files[f]
	if !ok {
		return nil, &planning.Error{Op: op, Kind: planning.NotFound, Err: errors.New("no such file stored")}
	}
	if !fs.ValidPath(rel) {
		return nil, &planning.Error{Op: op, Kind: planning.Internal, Err: fmt.Errorf("stored path %q leaves the data directory", rel)}
	}
	fh, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(rel)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &planning.Error{Op: op, Kind: planning.NotFound, Err: fmt.Errorf("%s is missing from the data directory", rel)}
	case err != nil:
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return fh, nil
}

// coverageRow holds the columns the coverage queries share until they
// are decoded.
type coverageRow struct {
	c                     planning.Coverage
	inputs, limits, files []byte
	metric                string
	west, south           float64
	east, north           float64
}

// dest returns the scan targets of the shared columns, in their order.
func (r *coverageRow) dest() []any {
	c := &r.c
	return []any{&c.ID, &c.InputHash, &r.inputs, &c.Model, &c.DEMVersion, &r.limits, &r.metric,
		&c.ThresholdDBm, &c.AreaKm2, &c.CoveredCells, &c.CellArcSec,
		&r.west, &r.south, &r.east, &r.north, &r.files, &c.CreatedAt}
}

// coverage decodes the jsonb columns.
func (r *coverageRow) coverage() (planning.Coverage, error) {
	c := r.c
	c.Metric = coverage.Metric(r.metric)
	c.Bound = orb.Bound{Min: orb.Point{r.west, r.south}, Max: orb.Point{r.east, r.north}}
	if err := json.Unmarshal(r.inputs, &c.Inputs); err != nil {
		return c, fmt.Errorf("decode inputs of coverage %d: %w", c.ID, err)
	}
	var limits coverage.LimitsJSON
	if err := json.Unmarshal(r.limits, &limits); err != nil {
		return c, fmt.Errorf("decode limits of coverage %d: %w", c.ID, err)
	}
	c.Limits = planning.CoverageLimitsOf(limits)
	if err := json.Unmarshal(r.files, &c.Files); err != nil {
		return c, fmt.Errorf("decode files of coverage %d: %w", c.ID, err)
	}
	return c, nil
}
