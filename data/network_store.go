package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

var (
	//go:embed sql/network_retire.sql
	qNetworkRetire string
	//go:embed sql/network_insert.sql
	qNetworkInsert string
	//go:embed sql/network_sites_insert.sql
	qNetworkSitesInsert string
	//go:embed sql/network_cells_insert.sql
	qNetworkCellsInsert string
	//go:embed sql/networks.sql
	qNetworks string
	//go:embed sql/network_sites.sql
	qNetworkSites string
	//go:embed sql/network_cells.sql
	qNetworkCells string
	//go:embed sql/network_exists.sql
	qNetworkExists string
	//go:embed sql/dem_outside.sql
	qDEMOutside string
	//go:embed sql/lock_name.sql
	qNetworkLockName string
)

// NetworkStore stores the existing networks; it implements
// planning.NetworkStore.
type NetworkStore struct {
	db *DB
}

var _ planning.NetworkStore = (*NetworkStore)(nil)

// NewNetworkStore returns a NetworkStore on db.
func NewNetworkStore(db *DB) *NetworkStore { return &NetworkStore{db: db} }

// SaveNetwork stores n and its sites (with their cells) as the next
// version of n.Name, in one transaction: an error leaves no row behind.
// It fills in n.ID, n.Version, n.Current, n.ImportedAt and the counts.
// Errors: Invalid when the database refuses a value (an unknown carrier,
// a value out of range: the service checks them first, so this is a
// race or a bug), Unavailable.
func (s *NetworkStore) SaveNetwork(ctx context.Context, n *planning.Network, sites []planning.ExistingSite) error {
	const op = "save network"
	if err := s.saveNetwork(ctx, n, sites); err != nil {
		if planning.KindOf(err) == planning.Invalid {
			// Never show the driver's text: name what was refused.
			return &planning.Error{Op: op, Kind: planning.Invalid,
				Err: errors.New("the database refused a site or cell (an unknown carrier or a value out of range)")}
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func (s *NetworkStore) saveNetwork(ctx context.Context, n *planning.Network, sites []planning.ExistingSite) error {
	var (
		carriers, codes, sAssumed, sProps []string
		heights                           []float64
		geoms                             [][]byte
		siteOrd, cellOrd                  []int32
		tech, cAssumed, cProps            []string
		band, az, tilt, eirp, gain        []float64
		hbw, vbw                          []float64
		omni                              []bool
	)
	for i, site := range sites {
		g, err := ewkbOf(site.Location)
		if err != nil {
			return fmt.Errorf("site %d: %w", i, err)
		}
		props, err := propsJSON(site.Properties)
		if err != nil {
			return fmt.Errorf("site %d: %w", i, err)
		}
		carriers = append(carriers, site.Carrier)
		codes = append(codes, site.Code)
		heights = append(heights, site.HeightM)
		sAssumed = append(sAssumed, strings.Join(site.Assumed, ","))
		sProps = append(sProps, props)
		geoms = append(geoms, g)
		for k, c := range site.Cells {
			props, err := propsJSON(c.Properties)
			if err != nil {
				return fmt.Errorf("site %d cell %d: %w", i, k, err)
			}
			siteOrd = append(siteOrd, int32(i))
			cellOrd = append(cellOrd, int32(k))
			tech = append(tech, c.Technology)
			band = append(band, c.BandMHz)
			az = append(az, c.AzimuthDeg)
			tilt = append(tilt, c.TiltDeg)
			eirp = append(eirp, c.EIRPdBm)
			gain = append(gain, c.GainDBi)
			hbw = append(hbw, c.HBeamwidthDeg)
			vbw = append(vbw, c.VBeamwidthDeg)
			omni = append(omni, c.Omni)
			cAssumed = append(cAssumed, strings.Join(c.Assumed, ","))
			cProps = append(cProps, props)
		}
	}
	skipped := make([]map[string]any, 0, len(n.Skipped))
	for _, r := range n.Skipped {
		skipped = append(skipped, map[string]any{"line": r.Line, "reason": r.Reason})
	}
	skippedJSON, err := json.Marshal(skipped)
	if err != nil {
		return err
	}
	var groupM *float64
	if n.GroupDistanceM > 0 {
		groupM = &n.GroupDistanceM
	}

	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	exec := func(sql string, args ...any) error {
		qctx, cancel := s.db.query(ctx)
		defer cancel()
		_, err := tx.Exec(qctx, sql, args...)
		return translate(err)
	}
	if err := exec(qNetworkLockName, "network:"+n.Name); err != nil {
		return err
	}
	if err := exec(qNetworkRetire, n.Name); err != nil {
		return err
	}
	qctx, cancel := s.db.query(ctx)
	var version int32
	err = tx.QueryRow(qctx, qNetworkInsert, n.Name, n.Format, n.Source, n.Licence, n.Province, n.DefaultsVersion,
		groupM, len(sites), len(tech), skippedJSON).Scan(&n.ID, &version, &n.ImportedAt)
	cancel()
	if err != nil {
		return translate(err)
	}
	// The sites and cells grow with the file: the import timeout, not the
	// per-query one, bounds them.
	bulk := func(sql string, args ...any) error {
		bctx, cancel := s.db.bulk(ctx)
		defer cancel()
		_, err := tx.Exec(bctx, sql, args...)
		return translate(err)
	}
	if err := bulk(qNetworkSitesInsert, n.ID, carriers, codes, heights, sAssumed, sProps, geoms); err != nil {
		return err
	}
	if err := bulk(qNetworkCellsInsert, n.ID, siteOrd, cellOrd, tech, band, az, tilt, eirp, gain, hbw, vbw, omni, cAssumed, cProps); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return translate(err)
	}
	n.Version, n.Current, n.SiteCount, n.CellCount = int(version), true, len(sites), len(tech)
	return nil
}

// propsJSON encodes source properties as a JSON object.
func propsJSON(p map[string]any) (string, error) {
	if p == nil {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode properties: %w", err)
	}
	return string(b), nil
}

// Networks returns every network version, newest first within a name.
// Errors: Unavailable.
func (s *NetworkStore) Networks(ctx context.Context) ([]planning.Network, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(ctx, qNetworks)
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planning.Network, error) {
		var n planning.Network
		var version, sites, cells int32
		var skipped []byte
		err := r.Scan(&n.ID, &n.Name, &version, &n.Current, &n.Format, &n.Source, &n.Licence, &n.Province,
			&n.DefaultsVersion, &n.GroupDistanceM, &n.ImportedAt, &sites, &cells, &skipped)
		if err != nil {
			return n, err
		}
		n.Version, n.SiteCount, n.CellCount = int(version), int(sites), int(cells)
		var rs []struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal(skipped, &rs); err != nil {
			return n, fmt.Errorf("decode skipped rows: %w", err)
		}
		for _, r := range rs {
			n.Skipped = append(n.Skipped, planning.SkippedRow{Line: r.Line, Reason: r.Reason})
		}
		return n, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", translate(err))
	}
	return out, nil
}

// Sites returns the sites f selects with their cells, in network and
// ordinal order. Errors: NotFound for an unknown network name or
// version, Unavailable.
func (s *NetworkStore) Sites(ctx context.Context, f planning.SiteFilter) ([]planning.ExistingSite, error) {
	const op = "list sites"
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	var name, carrier *string
	if f.Network != "" {
		name = &f.Network
		var ok bool
		if err := s.db.pool.QueryRow(ctx, qNetworkExists, f.Network, f.Version).Scan(&ok); err != nil {
			return nil, fmt.Errorf("%s: %w", op, translate(err))
		}
		if !ok {
			return nil, &planning.Error{Op: op, Kind: planning.NotFound, Field: "network",
				Err: fmt.Errorf("no network %q version %d (0 is the current one)", f.Network, f.Version)}
		}
	}
	if f.Carrier != "" {
		carrier = &f.Carrier
	}
	var minX, minY, maxX, maxY *float64
	if f.BBox != nil {
		minX, minY, maxX, maxY = &f.BBox.Min[0], &f.BBox.Min[1], &f.BBox.Max[0], &f.BBox.Max[1]
	}
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	rows, err := s.db.pool.Query(ctx, qNetworkSites, name, f.Version, carrier, minX, minY, maxX, maxY, geo.SRIDWGS84, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, translate(err))
	}
	var out []planning.ExistingSite
	index := map[int64]int{}
	var ids []int64
	for rows.Next() {
		var site planning.ExistingSite
		var props, wkb []byte
		if err := rows.Scan(&site.ID, &site.NetworkID, &site.Carrier, &site.Code, &site.HeightM, &site.Assumed, &props, &wkb); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", op, translate(err))
		}
		if site.Properties, err = attributesOf(props); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		g, err := orbOf(wkb)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		site.Location, _ = g.(orb.Point)
		index[site.ID] = len(out)
		ids = append(ids, site.ID)
		out = append(out, site)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, translate(err))
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err = s.db.pool.Query(ctx, qNetworkCells, ids)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c planning.Cell
		var props []byte
		if err := rows.Scan(&id, &c.Technology, &c.BandMHz, &c.AzimuthDeg, &c.TiltDeg, &c.EIRPdBm, &c.GainDBi,
			&c.HBeamwidthDeg, &c.VBeamwidthDeg, &c.Omni, &c.Assumed, &props); err != nil {
			return nil, fmt.Errorf("%s: %w", op, translate(err))
		}
		if c.Properties, err = attributesOf(props); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		i := index[id]
		out[i].Cells = append(out[i].Cells, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, translate(err))
	}
	return out, nil
}

// OutsideDEM returns the indexes of the points of pts that no current DEM
// tile covers, and whether any current tile exists. Errors: Unavailable.
func (s *NetworkStore) OutsideDEM(ctx context.Context, pts []orb.Point) ([]int, bool, error) {
	ctx, cancel := s.db.query(ctx)
	defer cancel()
	lons, lats := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lons[i], lats[i] = p[0], p[1]
	}
	var idx []int32
	var anyDEM bool
	if err := s.db.pool.QueryRow(ctx, qDEMOutside, lons, lats, geo.SRIDWGS84).Scan(&idx, &anyDEM); err != nil {
		return nil, false, fmt.Errorf("sites outside the dem: %w", translate(err))
	}
	out := make([]int, len(idx))
	for i, v := range idx {
		out[i] = int(v)
	}
	return out, anyDEM, nil
}
