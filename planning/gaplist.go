package planning

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The official gap list: the villages that the authorities list as trắng
// sóng or lõm sóng, one CSV row each (GapListColumns). Rows are matched to
// the villages and hamlets of the settlement layers by name within their
// commune; names are compared folded (FoldName) and kept as written.

// GapListColumns are the columns of an official gap list CSV, in order;
// the first line must name them.
var GapListColumns = []string{"province", "commune", "village", "status", "date"}

// MaxGapListRows bounds the rows of one list: the country has some
// eighty thousand villages and hamlets, and every row costs a stored
// entry (and, unmatched, a reason in the answer).
const MaxGapListRows = 100_000

// GapListStatuses are the statuses a list row may give: the two gap
// classes, and covered for a village the list marks as resolved (taken off
// the list on its date). A row may also spell them in Vietnamese ("trắng
// sóng", "lõm sóng"), folded and with a space for the underscore.
var GapListStatuses = []VillageStatus{TrangSong, LomSong, Covered}

// GapListRow is one data row of an official list as written.
type GapListRow struct {
	Line                       int // 1-based line in the file
	Province, Commune, Village string
	Status                     VillageStatus
	Date                       time.Time // the day the list gives, UTC midnight
}

// GapListEntry is a row matched to one village.
type GapListEntry struct {
	GapListRow
	ProvinceCode, CommuneCode string
	ZoneID                    int64
	ZoneName                  string // the village's name in its layer
}

// GapListProblem is a row that matched no village, or more than one.
type GapListProblem struct {
	Line   int
	Reason string
}

// GapList is one imported version of the official list. The latest
// version applies: a new import replaces the whole list.
type GapList struct {
	ID         int64
	Version    int
	Source     string
	Rows       int // data rows in the file
	Entries    []GapListEntry
	Unmatched  []GapListProblem // stored only with AllowUnmatched
	ImportedAt time.Time
}

// OfficialStatus is what the latest official list says of one village.
type OfficialStatus struct {
	Status      VillageStatus
	Date        time.Time
	ListVersion int
	Line        int    // its line in the list's file
	Name        string // the village as the list writes it
}

// GapListStore keeps the official lists and reads what rows are matched to.
type GapListStore interface {
	// ListAdminUnits returns every admin unit code once: the version in
	// force at at, else the latest version.
	ListAdminUnits(ctx context.Context, at time.Time) ([]AdminUnit, error)
	// VillagesIn returns, for each of the admin unit codes (the version
	// ListAdminUnits gives), the villages and hamlets of the current
	// settlement layers whose centre (a point on the feature's surface)
	// lies in the unit, in zone order.
	VillagesIn(ctx context.Context, unitCodes []string, at time.Time) (map[string][]Village, error)
	// SaveGapList stores l as the next version in one transaction, filling
	// ID, Version and ImportedAt.
	SaveGapList(ctx context.Context, l *GapList) error
	// OfficialStatuses returns what the latest list says of those of
	// zoneIDs it lists, and that list's version (0 when no list is
	// imported).
	OfficialStatuses(ctx context.Context, zoneIDs []int64) (map[int64]OfficialStatus, int, error)
}

// GapListSpec describes one import of the official list.
type GapListSpec struct {
	Source string // where the list came from (the file name)
	// AllowUnmatched stores the matched rows when some rows match no
	// village, or more than one; they are listed in the list's Unmatched.
	// By default such rows fail the import.
	AllowUnmatched bool
}

// GapListService imports the official gap list and compares it with gap
// analyses. It is safe for concurrent use.
type GapListService struct {
	store GapListStore
	now   func() time.Time
}

// NewGapListService returns a GapListService; now may be nil for time.Now.
func NewGapListService(store GapListStore, now func() time.Time) *GapListService {
	if now == nil {
		now = time.Now
	}
	return &GapListService{store: store, now: now}
}

// FoldName is the form in which list and layer names are compared:
// decomposed, without combining marks (the tones and the hat, horn and
// breve of Vietnamese), đ as d, lower case, with runs of white space made
// one space and the ends trimmed. "Thôn  Đồng Bùa" and "thon dong bua"
// fold alike. It is used for the comparison only; names are kept and
// shown as written.
func FoldName(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return r
	}), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s // a transform of valid text does not fail; compare as is
	}
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// parseListStatus reads a status: its code, or the Vietnamese words.
func parseListStatus(s string) (VillageStatus, bool) {
	f := strings.ReplaceAll(FoldName(s), " ", "_")
	for _, st := range GapListStatuses {
		if f == string(st) {
			return st, true
		}
	}
	return "", false
}

// ReadGapList reads an official gap list CSV with encoding/csv: the header
// line naming GapListColumns, then one village per row. Every mistake is
// an Invalid error naming its line ("line 7"): a missing or wrong header,
// a row with the wrong number of columns, an empty or over-long field, a
// status not in GapListStatuses, a date that is not YYYY-MM-DD, and the
// same village (folded names of province, commune and village) twice,
// naming both lines. Up to 50 mistakes are reported at once.
func ReadGapList(r io.Reader) ([]GapListRow, error) {
	const op = "read gap list"
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = len(GapListColumns)
	cr.TrimLeadingSpace = true
	var (
		rows []GapListRow
		errs []error
		seen = map[string]int{}
	)
	bad := func(line int, format string, args ...any) {
		errs = append(errs, FieldError(fmt.Sprintf("line %d", line), format, args...))
	}
	want := strings.Join(GapListColumns, ",")
	for first := true; len(errs) < maxReadErrors; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if first {
				bad(1, "empty file: want the header %s", want)
			}
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				if first {
					bad(pe.StartLine, "header has %d columns, want %s", len(rec), want)
					break
				}
				bad(pe.StartLine, "has %d columns, want %d: %s", len(rec), len(GapListColumns), want)
				continue
			}
			bad(pe.Line, "not CSV: %v", pe.Err)
			break // the reader cannot resynchronise after a quoting error
		}
		if err != nil {
			return nil, &Error{Op: op, Kind: Invalid, Err: fmt.Errorf("read: %w", err)}
		}
		line, _ := cr.FieldPos(0)
		if first {
			for i, c := range GapListColumns {
				if !strings.EqualFold(strings.TrimSpace(rec[i]), c) {
					bad(line, "header column %d is %.40q, want %q (the header is %s)", i+1, rec[i], c, want)
					break
				}
			}
			if len(errs) > 0 {
				break
			}
			continue
		}
		row, ok := GapListRow{Line: line}, true
		fields := []*string{&row.Province, &row.Commune, &row.Village}
		for i, dst := range fields {
			v := strings.TrimSpace(rec[i])
			if v == "" {
				bad(line, "%s is empty", GapListColumns[i])
				ok = false
				continue
			}
			if err := CheckLine(GapListColumns[i], v, MaxNameChars); err != nil {
				bad(line, "%v", errors.Unwrap(err))
				ok = false
				continue
			}
			*dst = v
		}
		if st, good := parseListStatus(rec[3]); good {
			row.Status = st
		} else {
			bad(line, "status %.40q is not one of trang_song, lom_song, covered", rec[3])
			ok = false
		}
		if d, err := time.Parse(time.DateOnly, strings.TrimSpace(rec[4])); err == nil {
			row.Date = d
		} else {
			bad(line, "date %.40q is not a date YYYY-MM-DD", rec[4])
			ok = false
		}
		if !ok {
			continue
		}
		key := FoldName(row.Province) + "\x00" + FoldName(row.Commune) + "\x00" + FoldName(row.Village)
		if prev, dup := seen[key]; dup {
			bad(line, "duplicate village: %s, %s, %s is on line %d already", row.Village, row.Commune, row.Province, prev)
			continue
		}
		seen[key] = line
		if len(rows) == MaxGapListRows {
			bad(line, "more than %d rows: import the list a province at a time", MaxGapListRows)
			break
		}
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	if len(rows) == 0 {
		return nil, FieldError("line 2", "no village: the file has a header and no row")
	}
	return rows, nil
}

// ResolveListUnits finds each row's province (a top-level unit whose name
// or code folds to the row's) and commune (a unit under that province,
// through any number of levels, whose name or code folds to the row's).
// It returns the province and commune codes of each row; a province or
// commune that is unknown, or named by more than one unit, is an Invalid
// error naming the line.
func ResolveListUnits(rows []GapListRow, units []AdminUnit) (provinces, communes []string, err error) {
	parent := map[string]string{}
	for _, u := range units {
		parent[u.Code] = u.Parent
	}
	under := func(code, province string) bool {
		for range len(units) + 1 { // a cycle in the data ends the walk
			p, ok := parent[code]
			if !ok || p == "" {
				return false
			}
			if p == province {
				return true
			}
			code = p
		}
		return false
	}
	// Each unit's name and code are folded once, not once per row: a
	// province's list of thousands of rows against the country's some
	// ten thousand units folded them tens of millions of times. named
	// lists the units (in units' order) a folded name or code names, and
	// top the top-level ones.
	named, top := map[string][]string{}, map[string][]string{}
	for _, u := range units {
		fn, fc := FoldName(u.Name), FoldName(u.Code)
		keys := []string{fn}
		if fc != fn {
			keys = append(keys, fc)
		}
		for _, f := range keys {
			named[f] = append(named[f], u.Code)
			if u.Parent == "" {
				top[f] = append(top[f], u.Code)
			}
		}
	}
	var errs []error
	provinces, communes = make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		at := fmt.Sprintf("line %d", r.Line)
		fp, fc := FoldName(r.Province), FoldName(r.Commune)
		ps := top[fp]
		switch len(ps) {
		case 0:
			errs = append(errs, FieldError(at, "unknown province %q: no top-level admin unit has that name or code", r.Province))
			continue
		case 1:
		default:
			errs = append(errs, FieldError(at, "province %q names %d admin units (%s): give its code", r.Province, len(ps), strings.Join(ps, ", ")))
			continue
		}
		var cs []string
		for _, code := range named[fc] {
			if under(code, ps[0]) {
				cs = append(cs, code)
			}
		}
		switch len(cs) {
		case 0:
			errs = append(errs, FieldError(at, "unknown commune %q in province %q (%s): no admin unit under it has that name or code", r.Commune, r.Province, ps[0]))
			continue
		case 1:
		default:
			slices.Sort(cs)
			errs = append(errs, FieldError(at, "commune %q names %d admin units of province %s (%s): give its code", r.Commune, len(cs), ps[0], strings.Join(cs, ", ")))
			continue
		}
		provinces[i], communes[i] = ps[0], cs[0]
		if len(errs) >= maxReadErrors {
			break
		}
	}
	if len(errs) > 0 {
		return nil, nil, &Error{Op: "resolve gap list", Kind: Invalid, Err: errors.Join(errs...)}
	}
	return provinces, communes, nil
}

// MatchListVillages matches each row to the one village or hamlet of its
// commune (villages[communes[i]]) whose name folds to the row's. A row
// that matches none, or more than one, is never guessed: it is returned
// as a problem naming its line and why.
func MatchListVillages(rows []GapListRow, provinces, communes []string, villages map[string][]Village) ([]GapListEntry, []GapListProblem) {
	var entries []GapListEntry
	var problems []GapListProblem
	// The folded names of each commune's villages, folded once per
	// commune rather than once per row.
	byName := map[string]map[string][]Village{}
	for i, r := range rows {
		names, ok := byName[communes[i]]
		if !ok {
			names = map[string][]Village{}
			for _, v := range villages[communes[i]] {
				if v.Category != CategoryHomeCluster {
					f := FoldName(v.Name)
					names[f] = append(names[f], v)
				}
			}
			byName[communes[i]] = names
		}
		hits := names[FoldName(r.Village)]
		switch len(hits) {
		case 0:
			problems = append(problems, GapListProblem{Line: r.Line, Reason: fmt.Sprintf(
				"no village or hamlet named %q in commune %q (%s): %d settlements there, none with that name (diacritics and case ignored)",
				r.Village, r.Commune, communes[i], len(villages[communes[i]]))})
		case 1:
			entries = append(entries, GapListEntry{GapListRow: r, ProvinceCode: provinces[i], CommuneCode: communes[i],
				ZoneID: hits[0].ZoneID, ZoneName: hits[0].Name})
		default:
			ids := make([]string, len(hits))
			for k, h := range hits {
				ids[k] = fmt.Sprintf("%d (%s)", h.ZoneID, h.Name)
			}
			problems = append(problems, GapListProblem{Line: r.Line, Reason: fmt.Sprintf(
				"%d villages named %q in commune %q (%s): zones %s; not guessed",
				len(hits), r.Village, r.Commune, communes[i], strings.Join(ids, ", "))})
		}
	}
	return entries, problems
}

// Import reads an official list (ReadGapList), resolves its provinces and
// communes among the admin units (ResolveListUnits), matches its rows to
// villages (MatchListVillages) and stores it as the next version, in one
// transaction: nothing is stored unless the whole import succeeds.
// Errors are Invalid and name each line ("line 7"): any CSV mistake, an
// unknown province or commune, and (unless spec.AllowUnmatched) every row
// that matches no village or several; a list none of whose rows matches
// is refused either way. Unavailable from the store.
func (s *GapListService) Import(ctx context.Context, spec GapListSpec, r io.Reader) (GapList, error) {
	const op = "import gap list"
	if err := CheckLine("source", spec.Source, MaxNameChars); err != nil {
		return GapList{}, err
	}
	rows, err := ReadGapList(r)
	if err != nil {
		return GapList{}, err
	}
	now := s.now()
	units, err := s.store.ListAdminUnits(ctx, now)
	if err != nil {
		return GapList{}, fmt.Errorf("%s: %w", op, err)
	}
	provinces, communes, err := ResolveListUnits(rows, units)
	if err != nil {
		return GapList{}, err
	}
	var codes []string
	seen := map[string]bool{}
	for _, c := range communes {
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	villages, err := s.store.VillagesIn(ctx, codes, now)
	if err != nil {
		return GapList{}, fmt.Errorf("%s: %w", op, err)
	}
	entries, problems := MatchListVillages(rows, provinces, communes, villages)
	if len(problems) > 0 && (!spec.AllowUnmatched || len(entries) == 0) {
		var errs []error
		for _, p := range problems[:min(len(problems), maxReadErrors)] {
			errs = append(errs, FieldError(fmt.Sprintf("line %d", p.Line), "%s", p.Reason))
		}
		if len(entries) == 0 {
			errs = append(errs, FieldError("line 1", "no row matches a village: nothing to import"))
		} else {
			errs = append(errs, FieldError("allow_unmatched", "%d of %d rows match no village or several; nothing was imported (allow_unmatched=true stores the %d that match)",
				len(problems), len(rows), len(entries)))
		}
		return GapList{}, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	l := GapList{Source: spec.Source, Rows: len(rows), Entries: entries, Unmatched: problems}
	if err := s.store.SaveGapList(ctx, &l); err != nil {
		return GapList{}, fmt.Errorf("%s: %w", op, err)
	}
	return l, nil
}

// Agreement says how a village's predicted status stands against the
// official list.
type Agreement string

// The agreements. Only listed villages are compared: agrees means both say
// gap (trắng or lõm sóng, the kinds shown side by side) or both say
// covered.
const (
	Agrees                      Agreement = "agrees"
	PredictedCoveredOfficialGap Agreement = "predicted_covered_official_gap"
	PredictedGapOfficialCovered Agreement = "predicted_gap_official_covered"
	NotListed                   Agreement = "not_listed"
)

// PredictionNote says plainly what a comparison with the official list is
// worth; every comparison carries it.
const PredictionNote = "A prediction is not a measurement: the predicted statuses come from a terrain model and the networks' declared sites, " +
	"the official list from reports on the ground. Where they disagree, measure at the village before acting on either."

// PredictedStatus is a village's status over every carrier, the sense of
// the official list: covered when some carrier covers it, lõm sóng when
// some carrier reaches its centre but none covers it whole, trắng sóng
// when no carrier reaches its centre (or no carrier was analysed).
func PredictedStatus(v GapVillage) VillageStatus {
	best := TrangSong
	for _, cc := range v.Coverage {
		switch cc.Status {
		case Covered:
			return Covered
		case LomSong:
			best = LomSong
		}
	}
	return best
}

// Compare returns how predicted status p stands against official status
// o (nil when the list does not have the village).
func Compare(p VillageStatus, o *OfficialStatus) Agreement {
	switch {
	case o == nil:
		return NotListed
	case (p == Covered) == (o.Status == Covered):
		return Agrees
	case p == Covered:
		return PredictedCoveredOfficialGap
	default:
		return PredictedGapOfficialCovered
	}
}

// VillageComparison is one village's prediction beside the official list.
type VillageComparison struct {
	Predicted VillageStatus
	Official  *OfficialStatus // nil when the list does not have it
	Agreement Agreement
}

// OfficialComparison sums up an analysis against the latest official list.
type OfficialComparison struct {
	ListVersion int // 0 when no list is imported
	Listed      int // analysed villages the list has
	Agrees      int
	// PredictedCoveredOfficialGap and PredictedGapOfficialCovered are the
	// disagreements; Disagreements is their sum.
	PredictedCoveredOfficialGap, PredictedGapOfficialCovered, Disagreements int
	NotListed                                                               int
	// NotListedPredictedGap counts the villages the list does not have
	// that the prediction calls trắng or lõm sóng: candidates to check.
	NotListedPredictedGap int
	// Villages are each village's comparison, by zone ID.
	Villages map[int64]VillageComparison
}

// CompareWithList compares the villages of an analysis with the latest
// official list. Errors: Unavailable.
func (s *GapListService) CompareWithList(ctx context.Context, vs []GapVillage) (OfficialComparison, error) {
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.ZoneID
	}
	official, version, err := s.store.OfficialStatuses(ctx, ids)
	if err != nil {
		return OfficialComparison{}, fmt.Errorf("compare with the official list: %w", err)
	}
	return CompareOfficial(vs, official, version), nil
}

// CompareOfficial is the pure part of CompareWithList.
func CompareOfficial(vs []GapVillage, official map[int64]OfficialStatus, version int) OfficialComparison {
	c := OfficialComparison{ListVersion: version, Villages: make(map[int64]VillageComparison, len(vs))}
	for _, v := range vs {
		vc := VillageComparison{Predicted: PredictedStatus(v)}
		if o, ok := official[v.ZoneID]; ok {
			vc.Official = &o
			c.Listed++
		}
		vc.Agreement = Compare(vc.Predicted, vc.Official)
		switch vc.Agreement {
		case Agrees:
			c.Agrees++
		case PredictedCoveredOfficialGap:
			c.PredictedCoveredOfficialGap++
		case PredictedGapOfficialCovered:
			c.PredictedGapOfficialCovered++
		default:
			c.NotListed++
			if vc.Predicted != Covered {
				c.NotListedPredictedGap++
			}
		}
		c.Villages[v.ZoneID] = vc
	}
	c.Disagreements = c.PredictedCoveredOfficialGap + c.PredictedGapOfficialCovered
	return c
}
