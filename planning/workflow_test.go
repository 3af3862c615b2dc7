package planning_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"btsplan/planning"
)

// allowed is the state machine of issue 8 written out independently of
// planning's table: from → event → to, with the role that may cause it.
var allowed = map[string]string{
	"draft submit":                           "submitted carrier",
	"submitted assess":                       "assessed system",
	"assessed start_review":                  "under_review reviewer",
	"under_review request_documents":         "documents_requested reviewer",
	"documents_requested resubmit_documents": "under_review carrier",
	"under_review approve":                   "approved reviewer",
	"under_review approve_with_conditions":   "approved_with_conditions reviewer",
	"under_review reject":                    "rejected reviewer",
	"under_review request_relocation":        "relocation_requested reviewer",
	"assessed revise":                        "submitted carrier",
	"under_review revise":                    "submitted carrier",
	"documents_requested revise":             "submitted carrier",
	"relocation_requested revise":            "submitted carrier",
	"expired revise":                         "submitted carrier",
	"draft withdraw":                         "withdrawn carrier",
	"submitted withdraw":                     "withdrawn carrier",
	"assessed withdraw":                      "withdrawn carrier",
	"under_review withdraw":                  "withdrawn carrier",
	"documents_requested withdraw":           "withdrawn carrier",
	"relocation_requested withdraw":          "withdrawn carrier",
	"approved expire":                        "expired system",
	"approved_with_conditions expire":        "expired system",
	"expired start_review":                   "under_review reviewer",
	"approved report_built":                  "built carrier",
	"approved_with_conditions report_built":  "built carrier",
}

// TestStateMachineWalk tries every event in every state with every role:
// an allowed transition succeeds for its role and is Forbidden for the
// others; every other pair is WrongState saying "cannot X when the case is
// Y".
func TestStateMachineWalk(t *testing.T) {
	roles := append(append([]planning.Role{}, planning.Roles...), planning.RoleSystem)
	seen := 0
	for _, from := range planning.CaseStates {
		for _, ev := range planning.CaseEvents {
			key := string(from) + " " + string(ev)
			want, ok := allowed[key]
			for _, role := range roles {
				t.Run(fmt.Sprintf("%s/%s/%s", from, ev, role), func(t *testing.T) {
					got, err := planning.Step(from, ev, []planning.Role{role})
					switch {
					case !ok:
						var se *planning.StateError
						if planning.KindOf(err) != planning.WrongState || !errors.As(err, &se) || se.State != from {
							t.Fatalf("Step(%s, %s, %s) = %q, %v; want a WrongState error naming %s", from, ev, role, got, err, from)
						}
						msg := fmt.Sprintf("when the case is %s", strings.ReplaceAll(string(from), "_", " "))
						if !strings.Contains(err.Error(), "cannot ") || !strings.Contains(err.Error(), msg) {
							t.Errorf("Step(%s, %s) error = %q, want \"cannot … %s\"", from, ev, err, msg)
						}
					case strings.HasSuffix(want, " "+string(role)):
						if err != nil || string(got) != strings.Fields(want)[0] {
							t.Errorf("Step(%s, %s, %s) = %q, %v; want %s", from, ev, role, got, err, strings.Fields(want)[0])
						}
					default:
						if planning.KindOf(err) != planning.Forbidden {
							t.Errorf("Step(%s, %s, %s) = %q, %v; want Forbidden", from, ev, role, got, err)
						}
					}
				})
			}
			if ok {
				seen++
			}
		}
	}
	if seen != len(allowed) || len(planning.Transitions()) != len(allowed) {
		t.Errorf("walked %d allowed transitions; the test lists %d and planning %d", seen, len(allowed), len(planning.Transitions()))
	}
}

func TestStepRefusesUnknown(t *testing.T) {
	tests := []struct {
		name  string
		from  planning.CaseState
		event planning.CaseEvent
	}{
		{"unknown state", "pending", planning.EventSubmit},
		{"unknown event", planning.StateDraft, "bribe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := planning.Step(tt.from, tt.event, []planning.Role{planning.RoleCarrier}); planning.KindOf(err) != planning.Invalid {
				t.Errorf("Step(%q, %q) error = %v, want Invalid", tt.from, tt.event, err)
			}
		})
	}
}

// TestWithdrawBeforeDecision: a carrier can withdraw in every state before
// a decision, and in none after one.
func TestWithdrawBeforeDecision(t *testing.T) {
	for _, s := range planning.CaseStates {
		_, err := planning.Step(s, planning.EventWithdraw, []planning.Role{planning.RoleCarrier})
		wantOK := !s.Decided() && s != planning.StateWithdrawn || s == planning.StateRelocation
		if (err == nil) != wantOK {
			t.Errorf("withdraw when %s: error %v, want allowed=%v", s, err, wantOK)
		}
	}
}
