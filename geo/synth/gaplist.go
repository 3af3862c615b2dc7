package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/paulmach/orb/planar"
)

// The demo's official gap list: what the authorities list for the
// district, to set beside the gap analysis's prediction.
const (
	// OfficialListAgrees is the village the list and the prediction both
	// call trắng sóng: Bản Bắc Núi, behind the main ridge. The list
	// writes its names without diacritics, as lists typed on other
	// keyboards do; they are matched folded.
	OfficialListAgrees = "Bản Bắc Núi (giả lập)"
	// OfficialListDisagrees is the one village where they disagree: the
	// list (an older report) still calls Thôn Làng Mới trắng sóng, while
	// the prediction has it covered from the valley's towers.
	OfficialListDisagrees = "Thôn Làng Mới (giả lập)"
)

// officialRow is one row of the demo's official list.
type officialRow struct {
	village, written, status, date string
}

var officialRows = []officialRow{
	{OfficialListAgrees, "Ban Bac Nui (gia lap)", "trang_song", "2025-03-31"},
	{OfficialListDisagrees, OfficialListDisagrees, "trang_song", "2024-10-15"},
}

// officialList writes the demo's SYNTHETIC official gap list as the CSV
// that `btsplan import gap-list` reads (province, commune, village,
// status, date), each village under the commune whose boundary holds it.
func (p *plan) officialList(admin []AdminArea) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write([]string{"province", "commune", "village", "status", "date"}); err != nil {
		return nil, err
	}
	for _, r := range officialRows {
		var v *village
		for i := range p.villages {
			if p.villages[i].name == r.village {
				v = &p.villages[i]
			}
		}
		if v == nil {
			return nil, fmt.Errorf("official list: no village %q", r.village)
		}
		at, commune := p.f.point(v.at), ""
		for _, a := range admin {
			if a.Unit.Level == "commune" && planar.PolygonContains(a.Boundary, at) {
				commune = a.Unit.Name
			}
		}
		if commune == "" {
			return nil, fmt.Errorf("official list: village %q is in no commune", r.village)
		}
		if err := w.Write([]string{ProvinceName, commune, r.written, r.status, r.date}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
