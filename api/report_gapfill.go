package api

import (
	"fmt"
	"strconv"

	"btsplan/planning"
)

// gapFillView is the HTML report's gap-fill section: the people and
// villages a proposal newly covers, and the towers it could share.
type gapFillView struct {
	Title, Pending                           string
	Computed                                 bool
	PeopleLabel, GapLabel, OverlapLabel      string
	People, Gap, Overlap                     string
	VillageCol, PopulationCol, BeforeCol     string
	ForCol, TowersLabel, NoVillages, Unknown string
	Villages                                 []gapFillVillageView
	Towers                                   []string
}

type gapFillVillageView struct {
	Name, Population, Before, For string
}

// gapFillLabels are the gap-fill section's words in each language.
var gapFillLabels = map[lang]struct {
	title, pending, people, gap, overlap, village, population, before, forCol string
	own, anyone, towers, noVillages, unknown, noTowers                        string
}{
	langVI: {"Phủ lõm, trắng sóng", "Chưa tính xong: phần này có sau khi tính vùng phủ.", "Người dân được phủ mới",
		"Diện tích vùng lõm được lấp", "Trùng với vùng phủ hiện có của nhà mạng", "Thôn, bản", "Dân số", "Trước đây", "Phủ mới cho",
		"nhà mạng này", "mọi nhà mạng", "Cột có thể dùng chung", "Không có thôn, bản nào được phủ mới.",
		"%d thôn được phủ nhưng chưa rõ tình trạng trước đây (chưa có phân tích vùng lõm).", "không có"},
	langEN: {"Coverage gaps filled", "Not computed yet: this section follows the coverage.", "People newly covered",
		"Gap area closed", "Overlap with the carrier's existing coverage", "Village", "Population", "Before", "Newly covered for",
		"this carrier", "every carrier", "Shareable towers", "No village is newly covered.",
		"%d covered villages have no known status before (no gap analysis).", "none"},
}

// newGapFillView returns the section for g (nil: not computed yet).
func newGapFillView(g *planning.GapFill, l lang) *gapFillView {
	t := gapFillLabels[l]
	v := &gapFillView{Title: t.title, Pending: t.pending, PeopleLabel: t.people, GapLabel: t.gap, OverlapLabel: t.overlap,
		VillageCol: t.village, PopulationCol: t.population, BeforeCol: t.before, ForCol: t.forCol,
		TowersLabel: t.towers, NoVillages: t.noVillages}
	if g == nil {
		return v
	}
	v.Computed = true
	v.People = strconv.Itoa(g.PeopleNewlyCovered)
	v.Gap = formatMeasure(g.GapKm2Closed, l) + " km²"
	v.Overlap = formatMeasure(g.OverlapPct, l) + " %"
	if g.VillagesUnknown > 0 {
		v.Unknown = fmt.Sprintf(t.unknown, g.VillagesUnknown)
	}
	for _, gv := range g.VillagesNewlyCovered {
		vv := gapFillVillageView{Name: gv.Name, Population: "–", Before: gv.StatusBefore + " / " + gv.NotSpotBefore, For: t.own}
		if gv.HasPopulation {
			vv.Population = strconv.Itoa(gv.Population)
		}
		if gv.ForAnyone {
			vv.For = t.anyone
		}
		v.Villages = append(v.Villages, vv)
	}
	for _, tw := range g.ShareableTowers {
		v.Towers = append(v.Towers, fmt.Sprintf("%s %s (%s m, %s m)", tw.Carrier, tw.Code,
			formatMeasure(tw.DistanceM, l), formatMeasure(tw.HeightM, l)))
	}
	if len(v.Towers) == 0 {
		v.Towers = []string{t.noTowers}
	}
	return v
}
