package data

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"btsplan/planning"
)

var (
	//go:embed sql/gap_list_units.sql
	qGapListUnits string
	//go:embed sql/gap_list_villages_in.sql
	qGapListVillagesIn string
	//go:embed sql/gap_list_insert.sql
	qGapListInsert string
	//go:embed sql/gap_list_villages_insert.sql
	qGapListVillagesInsert string
	//go:embed sql/gap_list_official.sql
	qGapListOfficial string
)

// GapListStore keeps the official gap lists in gap_list and
// gap_list_village; it implements planning.GapListStore.
type GapListStore struct{ db *DB }

var _ planning.GapListStore = (*GapListStore)(nil)

// NewGapListStore returns a GapListStore on db.
func NewGapListStore(db *DB) *GapListStore { return &GapListStore{db: db} }

// ListAdminUnits returns every admin unit code once, the version in force
// on at's day in Vietnam, else the latest. Errors: Unavailable.
func (s *GapListStore) ListAdminUnits(ctx context.Context, at time.Time) ([]planning.AdminUnit, error) {
	const op = "admin units of the gap list"
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapListUnits, vnDate(at))
	if err != nil {
		return nil, opError(op, translate(err))
	}
	units, err := pgx.CollectRows(rows, scanAdminUnit)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	return units, nil
}

// VillagesIn returns the villages and hamlets whose centre lies in each of
// unitCodes (ZoneID, Category and Name only). Errors: Unavailable.
func (s *GapListStore) VillagesIn(ctx context.Context, unitCodes []string, at time.Time) (map[string][]planning.Village, error) {
	const op = "villages of the gap list's communes"
	qctx, cancel := s.db.bulk(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapListVillagesIn, unitCodes, vnDate(at), villageCategories)
	if err != nil {
		return nil, opError(op, translate(err))
	}
	defer rows.Close()
	out := map[string][]planning.Village{}
	for rows.Next() {
		var code string
		var v planning.Village
		if err := rows.Scan(&code, &v.ZoneID, &v.Category, &v.Name); err != nil {
			return nil, opError(op, translate(err))
		}
		out[code] = append(out[code], v)
	}
	if err := rows.Err(); err != nil {
		return nil, opError(op, translate(err))
	}
	return out, nil
}

// problemJSON is an unmatched row as gap_list.unmatched keeps it.
type problemJSON struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// SaveGapList stores l as the next version of the list with its matched
// rows, in one transaction. Errors: Unavailable.
func (s *GapListStore) SaveGapList(ctx context.Context, l *planning.GapList) error {
	const op = "store gap list"
	unmatched := make([]problemJSON, len(l.Unmatched))
	for i, p := range l.Unmatched {
		unmatched[i] = problemJSON(p)
	}
	uj, err := json.Marshal(unmatched)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return opError(op, translate(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // a no-op after Commit
	if err := s.db.exec(ctx, tx, qLockName, "gap_list"); err != nil {
		return opError(op, err)
	}
	var version int32
	if err := s.db.queryRow(ctx, tx, qGapListInsert, []any{l.Source, l.Rows, uj}, &l.ID, &version, &l.ImportedAt); err != nil {
		return opError(op, err)
	}
	n := len(l.Entries)
	zones, lines := make([]int64, n), make([]int32, n)
	prov, comm, vill, pcode, ccode, status := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	dates := make([]time.Time, n)
	for i, e := range l.Entries {
		zones[i], lines[i] = e.ZoneID, int32(e.Line)
		prov[i], comm[i], vill[i] = e.Province, e.Commune, e.Village
		pcode[i], ccode[i], status[i] = e.ProvinceCode, e.CommuneCode, string(e.Status)
		dates[i] = e.Date
	}
	bctx, cancel := s.db.bulk(ctx)
	_, err = tx.Exec(bctx, qGapListVillagesInsert, l.ID, zones, lines, prov, comm, vill, pcode, ccode, status, dates)
	cancel()
	if err != nil {
		return opError(op, translate(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return opError(op, translate(err))
	}
	l.Version = int(version)
	return nil
}

// OfficialStatuses returns what the latest list says of zoneIDs, and its
// version (0 when no list is imported). Errors: Unavailable.
func (s *GapListStore) OfficialStatuses(ctx context.Context, zoneIDs []int64) (map[int64]planning.OfficialStatus, int, error) {
	const op = "official gap list statuses"
	qctx, cancel := s.db.query(ctx)
	defer cancel()
	rows, err := s.db.pool.Query(qctx, qGapListOfficial, zoneIDs)
	if err != nil {
		return nil, 0, opError(op, translate(err))
	}
	defer rows.Close()
	out := map[int64]planning.OfficialStatus{}
	version := 0
	for rows.Next() {
		var v int32
		var zone *int64
		var status, name *string
		var date *time.Time
		var line *int32
		if err := rows.Scan(&v, &zone, &status, &date, &line, &name); err != nil {
			return nil, 0, opError(op, translate(err))
		}
		version = int(v)
		if zone == nil {
			continue
		}
		out[*zone] = planning.OfficialStatus{Status: planning.VillageStatus(*status), Date: *date,
			ListVersion: version, Line: int(*line), Name: *name}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, opError(op, translate(err))
	}
	return out, version, nil
}
