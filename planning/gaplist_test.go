package planning_test

import (
	"fmt"
	"strings"
	"testing"

	"btsplan/planning"
)

func TestFoldName(t *testing.T) {
	tests := []struct {
		name, a, b string
		same       bool
	}{
		{"tones and đ", "Đại Đình", "Dai Dinh", true},
		{"double space and case", "Thôn  Đồng Bùa", "thon dong bua", true},
		{"ends trimmed", "  Bản Lầy ", "ban lay", true},
		{"hat, horn and breve", "Xã Phước Ưng Ấp", "xa phuoc ung ap", true},
		{"precomposed and decomposed", "Bản Nậm", "Ba\u0309n Na\u0323\u0302m", true},
		{"different names", "Thôn Đồng Bùa", "Thôn Đồng Bừa Hai", false},
		{"đ and Đ fold to d", "Đđ", "dd", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fa, fb := planning.FoldName(tc.a), planning.FoldName(tc.b)
			if (fa == fb) != tc.same {
				t.Errorf("FoldName(%q) = %q, FoldName(%q) = %q, want same = %v", tc.a, fa, tc.b, fb, tc.same)
			}
		})
	}
	if got, want := planning.FoldName("Thôn  Đồng Bùa"), "thon dong bua"; got != want {
		t.Errorf("FoldName = %q, want %q", got, want)
	}
}

const listHeader = "province,commune,village,status,date\n"

func TestReadGapList(t *testing.T) {
	rows, err := planning.ReadGapList(strings.NewReader("\uFEFF" + listHeader +
		"Tỉnh A,Xã B,Thôn C,trang_song,2025-03-01\n" +
		"Tỉnh A,Xã B,\"Thôn D, Trên\",Lõm sóng,2024-12-31\n" +
		"Tỉnh A,Xã B,Thôn E,covered,2025-06-30\n"))
	if err != nil {
		t.Fatalf("ReadGapList: %v", err)
	}
	want := []struct {
		line    int
		village string
		status  planning.VillageStatus
		date    string
	}{{2, "Thôn C", planning.TrangSong, "2025-03-01"}, {3, "Thôn D, Trên", planning.LomSong, "2024-12-31"}, {4, "Thôn E", planning.Covered, "2025-06-30"}}
	if len(rows) != len(want) {
		t.Fatalf("ReadGapList = %d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		r := rows[i]
		if r.Line != w.line || r.Village != w.village || r.Status != w.status || r.Date.Format("2006-01-02") != w.date {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
	}
}

func TestReadGapListBadInput(t *testing.T) {
	ok := "Tỉnh A,Xã B,Thôn C,trang_song,2025-03-01\n"
	tests := []struct {
		name, csv string
		wantField string
		wantMsg   string
	}{
		{"empty file", "", "line 1", "empty file"},
		{"header only", listHeader, "line 2", "no village"},
		{"wrong header", "tinh,xa,thon,status,date\n" + ok, "line 1", `header column 1 is "tinh"`},
		{"header with four columns", "province,commune,village,status\n" + ok, "line 1", "header has 4 columns"},
		{"no header", ok + ok, "line 1", "header column 1"},
		{"too few columns", listHeader + "Tỉnh A,Xã B,Thôn C,trang_song\n", "line 2", "has 4 columns, want 5"},
		{"too many columns", listHeader + ok + "Tỉnh A,Xã B,Thôn D,trang_song,2025-03-01,x\n", "line 3", "has 6 columns, want 5"},
		{"bad date", listHeader + "Tỉnh A,Xã B,Thôn C,trang_song,01/03/2025\n", "line 2", `date "01/03/2025" is not a date YYYY-MM-DD`},
		{"impossible date", listHeader + "Tỉnh A,Xã B,Thôn C,trang_song,2025-02-30\n", "line 2", "not a date"},
		{"unknown status", listHeader + "Tỉnh A,Xã B,Thôn C,weak,2025-03-01\n", "line 2", `status "weak" is not one of`},
		{"empty village", listHeader + "Tỉnh A,Xã B, ,trang_song,2025-03-01\n", "line 2", "village is empty"},
		{"control character", listHeader + "Tỉnh A,Xã B,Thôn\x01C,trang_song,2025-03-01\n", "line 2", "control"},
		{"duplicate village, folded", listHeader + ok + "tinh a,XA B,thon  c,lom_song,2025-04-01\n", "line 3", "duplicate village: thon  c, XA B, tinh a is on line 2 already"},
		{"bare quote", listHeader + "Tỉnh A,Xã B,Thôn \"C,trang_song,2025-03-01\n", "line 2", "not CSV"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := planning.ReadGapList(strings.NewReader(tc.csv))
			if err == nil {
				t.Fatalf("ReadGapList = %d rows, want an error", len(rows))
			}
			if planning.KindOf(err) != planning.Invalid {
				t.Errorf("kind = %v, want Invalid", planning.KindOf(err))
			}
			fields := planning.Fields(err)
			if len(fields) == 0 || fields[0] != tc.wantField {
				t.Errorf("fields = %v, want first %q (err %v)", fields, tc.wantField, err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("err = %v, want it to say %q", err, tc.wantMsg)
			}
		})
	}
}

func TestReadGapListReportsEveryBadLine(t *testing.T) {
	_, err := planning.ReadGapList(strings.NewReader(listHeader +
		"Tỉnh A,Xã B,Thôn C,weak,2025-03-01\n" +
		"Tỉnh A,Xã B,Thôn D,trang_song,2025-03-01\n" +
		"Tỉnh A,Xã B,Thôn E,trang_song,yesterday\n"))
	if got := planning.Fields(err); strings.Join(got, ";") != "line 2;line 4" {
		t.Errorf("fields = %v, want [line 2 line 4]", got)
	}
}

var listUnits = []planning.AdminUnit{
	{Code: "P1", Name: "Tỉnh Thử"},
	{Code: "D1", Name: "Huyện Cũ", Parent: "P1"},
	{Code: "C1", Name: "Xã Đại Đình", Parent: "D1"}, // under P1 through an (abolished) district
	{Code: "C2", Name: "Xã Hai", Parent: "P1"},
	{Code: "C3", Name: "Xã Hai", Parent: "D1"}, // the same name twice in P1
	{Code: "P2", Name: "Tỉnh Khác"},
	{Code: "C4", Name: "Xã Đại Đình", Parent: "P2"}, // the same name in another province
}

func TestResolveListUnits(t *testing.T) {
	rows := []planning.GapListRow{
		{Line: 2, Province: "Tinh Thu", Commune: "xa dai dinh"},
		{Line: 3, Province: "P2", Commune: "Xã Đại Đình"},
		{Line: 4, Province: "Tỉnh Thử", Commune: "C2"},
	}
	ps, cs, err := planning.ResolveListUnits(rows, listUnits)
	if err != nil {
		t.Fatalf("ResolveListUnits: %v", err)
	}
	if got, want := strings.Join(ps, ","), "P1,P2,P1"; got != want {
		t.Errorf("provinces = %s, want %s", got, want)
	}
	if got, want := strings.Join(cs, ","), "C1,C4,C2"; got != want {
		t.Errorf("communes = %s, want %s", got, want)
	}

	bad := []planning.GapListRow{
		{Line: 2, Province: "Tỉnh Nào", Commune: "Xã Đại Đình"},
		{Line: 3, Province: "Tỉnh Thử", Commune: "Xã Không Có"},
		{Line: 4, Province: "Tỉnh Thử", Commune: "Xã Hai"},
		{Line: 5, Province: "Tỉnh Thử", Commune: "Xã Đại Đình"},
	}
	_, _, err = planning.ResolveListUnits(bad, listUnits)
	if got := strings.Join(planning.Fields(err), ";"); got != "line 2;line 3;line 4" {
		t.Errorf("fields = %s, want line 2;line 3;line 4 (err %v)", got, err)
	}
	for _, want := range []string{`unknown province "Tỉnh Nào"`, `unknown commune "Xã Không Có"`, `"Xã Hai" names 2 admin units of province P1 (C2, C3)`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
}

func TestMatchListVillages(t *testing.T) {
	villages := map[string][]planning.Village{
		"C1": {
			{ZoneID: 1, Category: "village", Name: "Thôn  Đồng Bùa"},
			{ZoneID: 2, Category: "hamlet", Name: "Bản Trùng"},
			{ZoneID: 3, Category: "village", Name: "Ban Trung"},
			{ZoneID: 4, Category: "village", Name: "Thôn Xa"},
		},
		"C2": {{ZoneID: 5, Category: "village", Name: "Thôn Gần"}},
	}
	rows := []planning.GapListRow{
		{Line: 2, Village: "thon dong bua"},
		{Line: 3, Village: "Bản Trùng"},
		{Line: 4, Village: "Thôn Gần"}, // in C2, not in C1
		{Line: 5, Village: "THÔN XA"},
	}
	communes := []string{"C1", "C1", "C1", "C1"}
	entries, problems := planning.MatchListVillages(rows, []string{"P1", "P1", "P1", "P1"}, communes, villages)
	if len(entries) != 2 || entries[0].ZoneID != 1 || entries[1].ZoneID != 4 {
		t.Errorf("entries = %+v, want zones 1 and 4", entries)
	}
	if entries[0].Village != "thon dong bua" || entries[0].ZoneName != "Thôn  Đồng Bùa" {
		t.Errorf("entry 0 names = %q / %q, want the list's and the layer's as written", entries[0].Village, entries[0].ZoneName)
	}
	if len(problems) != 2 || problems[0].Line != 3 || problems[1].Line != 4 {
		t.Fatalf("problems = %+v, want lines 3 (ambiguous) and 4 (none)", problems)
	}
	if !strings.Contains(problems[0].Reason, "2 villages named") || !strings.Contains(problems[0].Reason, "not guessed") {
		t.Errorf("ambiguous reason = %q", problems[0].Reason)
	}
	if !strings.Contains(problems[1].Reason, "no village or hamlet named") {
		t.Errorf("unmatched reason = %q", problems[1].Reason)
	}
}

func TestCompareOfficial(t *testing.T) {
	cov := func(ss ...planning.VillageStatus) map[string]planning.CarrierCoverage {
		m := map[string]planning.CarrierCoverage{}
		for i, s := range ss {
			m[string(rune('a'+i))] = planning.CarrierCoverage{Status: s}
		}
		return m
	}
	v := func(id int64, c map[string]planning.CarrierCoverage) planning.GapVillage {
		return planning.GapVillage{Village: planning.Village{ZoneID: id}, Coverage: c}
	}
	vs := []planning.GapVillage{
		v(1, cov(planning.TrangSong, planning.TrangSong)), // gap, listed trắng: agrees
		v(2, cov(planning.TrangSong, planning.Covered)),   // covered, listed trắng: disagrees
		v(3, cov(planning.LomSong, planning.TrangSong)),   // lõm, listed covered: disagrees
		v(4, cov(planning.Covered)),                       // covered, listed covered: agrees
		v(5, cov(planning.LomSong)),                       // lõm, listed trắng: agrees (both gap)
		v(6, cov(planning.TrangSong)),                     // not listed, predicted gap
		v(7, cov(planning.Covered)),                       // not listed
	}
	official := map[int64]planning.OfficialStatus{
		1: {Status: planning.TrangSong}, 2: {Status: planning.TrangSong}, 3: {Status: planning.Covered},
		4: {Status: planning.Covered}, 5: {Status: planning.TrangSong},
	}
	c := planning.CompareOfficial(vs, official, 3)
	want := map[int64]planning.Agreement{1: planning.Agrees, 2: planning.PredictedCoveredOfficialGap,
		3: planning.PredictedGapOfficialCovered, 4: planning.Agrees, 5: planning.Agrees, 6: planning.NotListed, 7: planning.NotListed}
	for id, w := range want {
		if got := c.Villages[id].Agreement; got != w {
			t.Errorf("village %d: agreement %s, want %s", id, got, w)
		}
	}
	if c.Villages[5].Predicted != planning.LomSong || c.Villages[2].Predicted != planning.Covered {
		t.Errorf("predicted = %s, %s, want lom_song, covered", c.Villages[5].Predicted, c.Villages[2].Predicted)
	}
	if c.ListVersion != 3 || c.Listed != 5 || c.Agrees != 3 || c.Disagreements != 2 || c.NotListed != 2 || c.NotListedPredictedGap != 1 {
		t.Errorf("counts = %+v", c)
	}
}

// Resolving and matching fold each unit's and village's name once, not
// once per row: the work grows with rows + units, not rows × units (a
// province's list of thousands of rows against the country's ten
// thousand units took minutes). Allocations count the folds without
// timing anything.
func TestGapListMatchingFoldsOnce(t *testing.T) {
	const n, m = 2000, 200 // units (and villages), rows
	units := []planning.AdminUnit{{Code: "P", Name: "Tỉnh Thử"}}
	var vs []planning.Village
	for i := range n {
		units = append(units, planning.AdminUnit{Code: fmt.Sprintf("C%d", i), Name: fmt.Sprintf("Xã Số %d", i), Parent: "P"})
		vs = append(vs, planning.Village{ZoneID: int64(i + 1), Category: "village", Name: fmt.Sprintf("Thôn Số %d", i)})
	}
	rows := make([]planning.GapListRow, m)
	for i := range rows {
		rows[i] = planning.GapListRow{Line: i + 2, Province: "Tinh Thu", Commune: fmt.Sprintf("xa so %d", i), Village: fmt.Sprintf("thon so %d", i)}
	}
	bound := float64(40 * (n + m))
	var cs []string
	allocs := testing.AllocsPerRun(1, func() {
		var err error
		if _, cs, err = planning.ResolveListUnits(rows, units); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > bound {
		t.Errorf("ResolveListUnits: %.0f allocations for %d rows and %d units, want at most %.0f", allocs, m, n, bound)
	}
	same := make([]string, m) // every row in one commune of n villages
	for i := range same {
		same[i] = cs[0]
	}
	villages := map[string][]planning.Village{cs[0]: vs}
	var entries []planning.GapListEntry
	allocs = testing.AllocsPerRun(1, func() {
		entries, _ = planning.MatchListVillages(rows, make([]string, m), same, villages)
	})
	if allocs > bound {
		t.Errorf("MatchListVillages: %.0f allocations for %d rows and %d villages, want at most %.0f", allocs, m, n, bound)
	}
	if len(entries) != m {
		t.Errorf("MatchListVillages matched %d rows, want %d", len(entries), m)
	}
}

// A mistake quotes at most the start of the field at fault: a status, a
// date or a header cell of megabytes is not echoed into the problem.
func TestReadGapListDoesNotEchoHugeFields(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	for name, csv := range map[string]string{
		"status": listHeader + "Tỉnh Thử,Xã Một,Thôn A," + huge + ",2024-01-02\n",
		"date":   listHeader + "Tỉnh Thử,Xã Một,Thôn A,covered," + huge + "\n",
		"header": huge + ",commune,village,status,date\n",
	} {
		_, err := planning.ReadGapList(strings.NewReader(csv))
		if err == nil {
			t.Fatalf("%s: ReadGapList accepted a field of 1 MiB", name)
		}
		if n := len(err.Error()); n > 500 {
			t.Errorf("%s: error of %d bytes echoes the field", name, n)
		}
	}
}

// A list of more than MaxGapListRows rows is refused, naming the first
// line past the limit.
func TestReadGapListRowLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(listHeader)
	for i := range planning.MaxGapListRows + 1 {
		fmt.Fprintf(&b, "P,C,V%d,covered,2024-01-02\n", i)
	}
	rows, err := planning.ReadGapList(strings.NewReader(b.String()))
	want := fmt.Sprintf("line %d", planning.MaxGapListRows+2)
	if err == nil || planning.FieldOf(err) != want || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("ReadGapList = %d rows, %v; want an error naming %s", len(rows), err, want)
	}
}
