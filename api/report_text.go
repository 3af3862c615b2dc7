package api

import "btsplan/planning"

// reportLabels are the fixed words of the HTML report in one language.
type reportLabels struct {
	Title, Proposal, Revision, Generated, OtherLanguage                         string
	Verdict, Site, Carrier, SiteCode, Coordinates, Structure, Height, Footprint string
	Antennas, AdminUnit, Province, Status, Submitted                            string
	MapTitle, MapNote, NorthLetter, LegendSite, LegendFootprint, FallZone       string
	NoMappedFeatures                                                            string
	Findings, NoFindings, Rule, Severity, Layer, Feature, Distance, Overlap     string
	Limit, Excess, Authority, LegalBasis, Message                               string
	SeverityConflict, SeverityCondition, SeverityInfo                           string
	Versions, RuleSetVersion, LayerVersion                                      string
	Signatures, SignHint, DateLine, ReviewingAuthority                          string
	VerdictApprove, VerdictConditional, VerdictConflict                         string
	StatusSubmitted, StatusApproved, StatusRejected, StatusWithdrawn            string
}

var reportText = map[lang]reportLabels{
	langVI: {
		Title:              "Báo cáo thẩm định vị trí trạm thu phát sóng di động (BTS)",
		Proposal:           "Hồ sơ số",
		Revision:           "lần nộp",
		Generated:          "lập lúc",
		OtherLanguage:      "English",
		Verdict:            "Kết luận",
		Site:               "Thông tin vị trí",
		Carrier:            "Doanh nghiệp viễn thông",
		SiteCode:           "Mã trạm",
		Coordinates:        "Tọa độ (kinh độ, vĩ độ; WGS 84)",
		Structure:          "Loại công trình (quy hoạch hạ tầng kỹ thuật viễn thông thụ động)",
		Height:             "Chiều cao công trình",
		Footprint:          "Diện tích chiếm đất",
		Antennas:           "Ăng-ten",
		AdminUnit:          "Đơn vị hành chính",
		Province:           "Tỉnh",
		Status:             "Trạng thái hồ sơ",
		Submitted:          "Ngày nộp",
		MapTitle:           "Sơ đồ vị trí và các đối tượng liên quan",
		MapNote:            "Phép chiếu phẳng cục bộ quanh vị trí trạm; các số ứng với bảng phát hiện bên dưới.",
		NorthLetter:        "B",
		LegendSite:         "Vị trí trạm",
		LegendFootprint:    "Diện tích chiếm đất",
		FallZone:           "Vùng an toàn (bán kính bằng chiều cao công trình)",
		NoMappedFeatures:   "Không có đối tượng xung đột để thể hiện trên sơ đồ.",
		Findings:           "Các phát hiện",
		NoFindings:         "Không có phát hiện nào: vị trí không vướng quy tắc nào của bộ quy tắc áp dụng.",
		Rule:               "Quy tắc",
		Severity:           "Mức độ",
		Layer:              "Lớp dữ liệu",
		Feature:            "Đối tượng",
		Distance:           "Khoảng cách (m)",
		Overlap:            "Chồng lấn (m²)",
		Limit:              "Giới hạn (m)",
		Excess:             "Vượt (m)",
		Authority:          "Cơ quan",
		LegalBasis:         "Căn cứ pháp lý",
		Message:            "Nội dung",
		SeverityConflict:   "Xung đột",
		SeverityCondition:  "Cần ý kiến cơ quan",
		SeverityInfo:       "Thông tin",
		Versions:           "Dữ liệu và quy tắc đã dùng",
		RuleSetVersion:     "Phiên bản bộ quy tắc",
		LayerVersion:       "Phiên bản lớp",
		Signatures:         "Xác nhận của cơ quan thẩm định",
		SignHint:           "(Ký, ghi rõ họ tên và đóng dấu)",
		DateLine:           "Ngày ..... tháng ..... năm ........",
		ReviewingAuthority: "Cơ quan thẩm định",
		VerdictApprove:     "CHẤP THUẬN",
		VerdictConditional: "CHẤP THUẬN CÓ ĐIỀU KIỆN",
		VerdictConflict:    "XUNG ĐỘT",
		StatusSubmitted:    "đã nộp, chờ thẩm định",
		StatusApproved:     "đã chấp thuận",
		StatusRejected:     "đã từ chối",
		StatusWithdrawn:    "đã rút",
	},
	langEN: {
		Title:              "Mobile base station (BTS) site assessment report",
		Proposal:           "Proposal",
		Revision:           "revision",
		Generated:          "generated",
		OtherLanguage:      "Tiếng Việt",
		Verdict:            "Verdict",
		Site:               "Site",
		Carrier:            "Carrier",
		SiteCode:           "Site code",
		Coordinates:        "Coordinates (longitude, latitude; WGS 84)",
		Structure:          "Structure class (passive infrastructure plan)",
		Height:             "Structure height",
		Footprint:          "Footprint area",
		Antennas:           "Antennas",
		AdminUnit:          "Administrative unit",
		Province:           "Province",
		Status:             "Proposal status",
		Submitted:          "Submitted",
		MapTitle:           "Site map and related features",
		MapNote:            "Local planar projection around the site; numbers refer to the findings table below.",
		NorthLetter:        "N",
		LegendSite:         "Site",
		LegendFootprint:    "Footprint",
		FallZone:           "Fall zone (radius equal to the structure height)",
		NoMappedFeatures:   "No conflicting features to draw.",
		Findings:           "Findings",
		NoFindings:         "No findings: the site breaks no rule of the applicable rule set.",
		Rule:               "Rule",
		Severity:           "Severity",
		Layer:              "Layer",
		Feature:            "Feature",
		Distance:           "Distance (m)",
		Overlap:            "Overlap (m²)",
		Limit:              "Limit (m)",
		Excess:             "Excess (m)",
		Authority:          "Authority",
		LegalBasis:         "Legal basis",
		Message:            "Message",
		SeverityConflict:   "Conflict",
		SeverityCondition:  "Needs consent",
		SeverityInfo:       "Information",
		Versions:           "Data and rules used",
		RuleSetVersion:     "Rule-set version",
		LayerVersion:       "Layer version",
		Signatures:         "Reviewing authorities",
		SignHint:           "(Signature, full name and seal)",
		DateLine:           "Date: ..... / ..... / ........",
		ReviewingAuthority: "Reviewing authority",
		VerdictApprove:     "APPROVE",
		VerdictConditional: "CONDITIONAL",
		VerdictConflict:    "CONFLICT",
		StatusSubmitted:    "submitted, awaiting review",
		StatusApproved:     "approved",
		StatusRejected:     "rejected",
		StatusWithdrawn:    "withdrawn",
	},
}

func (l reportLabels) verdict(v planning.Verdict) string {
	switch v {
	case planning.Approve:
		return l.VerdictApprove
	case planning.Conditional:
		return l.VerdictConditional
	case planning.Conflict:
		return l.VerdictConflict
	}
	return string(v)
}

func (l reportLabels) severity(s planning.Severity) string {
	switch s {
	case planning.SeverityConflict:
		return l.SeverityConflict
	case planning.SeverityCondition:
		return l.SeverityCondition
	case planning.SeverityInfo:
		return l.SeverityInfo
	}
	return string(s)
}

func (l reportLabels) status(s planning.Status) string {
	switch s {
	case planning.StatusSubmitted:
		return l.StatusSubmitted
	case planning.StatusApproved:
		return l.StatusApproved
	case planning.StatusRejected:
		return l.StatusRejected
	case planning.StatusWithdrawn:
		return l.StatusWithdrawn
	}
	return string(s)
}
