package api

import (
	"fmt"
	"strconv"

	"btsplan/planning"
)

// letterLabels are the fixed words of the decision letter in one language;
// the site, map, findings and versions take the report's (reportLabels).
type letterLabels struct {
	Title, Case, Decision, Outcome, Authority, Reviewer, Decided, Note         string
	Validity, ValidFrom, ValidUntil, ExpiredNote, NoValidity                   string
	Conditions, NoConditions, Condition, ConditionStatus, StatusNote           string
	Evidence, Attachment                                                       string
	Signatures, NoSignatures, Consent, Refusal, Signer, SignedAt               string
	Assessment, ReportLink, Issued, SignatureBlock                             string
	OutcomeApproved, OutcomeApprovedCond, OutcomeRejected, OutcomeRelocation   string
	StatusOpen, StatusMet, StatusWaived                                        string
	CondMaxHeight, CondCamouflage, CondCamouflageStyle, CondShare, CondConsent string
	Print                                                                      string
}

var letterText = map[lang]letterLabels{
	langVI: {
		Title:               "Văn bản quyết định về vị trí trạm thu phát sóng di động (BTS)",
		Case:                "Hồ sơ thẩm định",
		Decision:            "Quyết định",
		Outcome:             "Kết quả",
		Authority:           "Cơ quan quyết định",
		Reviewer:            "Cán bộ thẩm định",
		Decided:             "Ngày quyết định",
		Note:                "Ghi chú",
		Validity:            "Thời hạn hiệu lực",
		ValidFrom:           "Có hiệu lực từ",
		ValidUntil:          "Hết hiệu lực sau ngày",
		ExpiredNote:         "Quyết định đã hết hiệu lực: trạm chưa xây dựng phải được thẩm định lại.",
		NoValidity:          "Không áp dụng (quyết định không phải là chấp thuận).",
		Conditions:          "Các điều kiện kèm theo",
		NoConditions:        "Quyết định không kèm điều kiện.",
		Condition:           "Điều kiện",
		ConditionStatus:     "Tình trạng",
		StatusNote:          "Ghi chú của cán bộ",
		Evidence:            "Chứng cứ của doanh nghiệp",
		Attachment:          "tệp đính kèm",
		Signatures:          "Ý kiến của các cơ quan liên quan",
		NoSignatures:        "Không cần ý kiến của cơ quan nào khác.",
		Consent:             "đồng ý",
		Refusal:             "không đồng ý",
		Signer:              "người ký",
		SignedAt:            "ngày",
		Assessment:          "Kết quả kiểm tra tự động làm căn cứ",
		ReportLink:          "Báo cáo thẩm định đầy đủ",
		Issued:              "In lúc",
		SignatureBlock:      "(Ký, ghi rõ họ tên và đóng dấu)",
		OutcomeApproved:     "CHẤP THUẬN",
		OutcomeApprovedCond: "CHẤP THUẬN CÓ ĐIỀU KIỆN",
		OutcomeRejected:     "KHÔNG CHẤP THUẬN",
		OutcomeRelocation:   "YÊU CẦU DI DỜI VỊ TRÍ",
		StatusOpen:          "chưa đáp ứng",
		StatusMet:           "đã đáp ứng",
		StatusWaived:        "được miễn",
		CondMaxHeight:       "Chiều cao công trình không quá %s m",
		CondCamouflage:      "Ngụy trang cột ăng-ten",
		CondCamouflageStyle: "Ngụy trang cột ăng-ten (kiểu: %s)",
		CondShare:           "Dùng chung hạ tầng với doanh nghiệp %s",
		CondConsent:         "Có văn bản chấp thuận của %s",
		Print:               "In văn bản",
	},
	langEN: {
		Title:               "Decision on a mobile base station (BTS) site",
		Case:                "Case",
		Decision:            "Decision",
		Outcome:             "Outcome",
		Authority:           "Deciding authority",
		Reviewer:            "Reviewer",
		Decided:             "Decided",
		Note:                "Note",
		Validity:            "Validity",
		ValidFrom:           "Valid from",
		ValidUntil:          "Expires after",
		ExpiredNote:         "This decision has expired: an unbuilt site must be reviewed again.",
		NoValidity:          "Not applicable (the decision is not an approval).",
		Conditions:          "Conditions",
		NoConditions:        "The decision carries no conditions.",
		Condition:           "Condition",
		ConditionStatus:     "Status",
		StatusNote:          "Reviewer's note",
		Evidence:            "Carrier's evidence",
		Attachment:          "attachment",
		Signatures:          "Opinions of the authorities concerned",
		NoSignatures:        "No other authority's opinion is needed.",
		Consent:             "consents",
		Refusal:             "refuses",
		Signer:              "signed by",
		SignedAt:            "on",
		Assessment:          "Automated assessment relied on",
		ReportLink:          "Full assessment report",
		Issued:              "Printed",
		SignatureBlock:      "(Signature, full name and seal)",
		OutcomeApproved:     "APPROVED",
		OutcomeApprovedCond: "APPROVED WITH CONDITIONS",
		OutcomeRejected:     "REJECTED",
		OutcomeRelocation:   "RELOCATION REQUESTED",
		StatusOpen:          "open",
		StatusMet:           "met",
		StatusWaived:        "waived",
		CondMaxHeight:       "Structure no higher than %s m",
		CondCamouflage:      "Camouflaged mast",
		CondCamouflageStyle: "Camouflaged mast (style: %s)",
		CondShare:           "Share the structure with carrier %s",
		CondConsent:         "Consent letter from %s",
		Print:               "Print",
	},
}

func (l letterLabels) outcome(s planning.CaseState) string {
	switch s {
	case planning.StateApproved:
		return l.OutcomeApproved
	case planning.StateApprovedCond:
		return l.OutcomeApprovedCond
	case planning.StateRejected:
		return l.OutcomeRejected
	case planning.StateRelocation:
		return l.OutcomeRelocation
	}
	return string(s)
}

func (l letterLabels) status(s planning.ConditionStatus) string {
	switch s {
	case planning.ConditionOpen:
		return l.StatusOpen
	case planning.ConditionMet:
		return l.StatusMet
	case planning.ConditionWaived:
		return l.StatusWaived
	}
	return string(s)
}

// condition says a condition in words; height_m is written in the
// language's convention.
func (l letterLabels) condition(k planning.Condition, lg lang) string {
	p := k.Params
	switch k.Type {
	case planning.CondMaxHeight:
		h := p["height_m"]
		if v, err := strconv.ParseFloat(h, 64); err == nil {
			h = formatMeasure(v, lg)
		}
		return fmt.Sprintf(l.CondMaxHeight, h)
	case planning.CondCamouflage:
		if p["style"] != "" {
			return fmt.Sprintf(l.CondCamouflageStyle, p["style"])
		}
		return l.CondCamouflage
	case planning.CondShare:
		return fmt.Sprintf(l.CondShare, p["carrier"])
	case planning.CondConsent:
		return fmt.Sprintf(l.CondConsent, p["authority"])
	case planning.CondOther:
		return p["text"]
	}
	return string(k.Type)
}
