package api

import (
	"fmt"

	"btsplan/planning"
)

// historyView is what the HTML report says of the assessment's basis and
// of the earlier assessments of the proposal (kept, never rewritten).
type historyView struct {
	Basis   string   // how the shown assessment was made
	Title   string   // the heading of the list
	Earlier []string // one line per earlier assessment, newest first
}

var historyText = map[lang]struct{ zoning, gapFill, title, line string }{
	langVI: {
		zoning:  "Kết luận theo quy hoạch (chưa xét khả năng phủ sóng thôn trắng sóng).",
		gapFill: "Kết luận theo quy hoạch và khả năng phủ sóng thôn trắng sóng (đánh giá lại khi có kết quả phủ sóng).",
		title:   "Các lần thẩm định trước (được giữ nguyên)",
		line:    "Lần thẩm định #%d (lần nộp %d, %s): %s",
	},
	langEN: {
		zoning:  "Verdict on the zoning (before the gap fill was known).",
		gapFill: "Verdict on the zoning and the gap fill (re-evaluated once the gap fill was computed).",
		title:   "Earlier assessments (kept as they were)",
		line:    "Assessment #%d (revision %d, %s): %s",
	},
}

func newHistoryView(r report, l lang) historyView {
	t := historyText[l]
	v := historyView{Basis: t.zoning, Title: t.title}
	if r.assessment.Basis == planning.BasisGapFill {
		v.Basis = t.gapFill
	}
	for _, a := range earlierAssessments(r) {
		v.Earlier = append(v.Earlier, fmt.Sprintf(t.line, a.ID, a.Revision, a.CreatedAt.Format("2006-01-02 15:04 UTC"), a.Verdict))
	}
	return v
}
