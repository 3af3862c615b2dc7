package planning_test

import (
	"strconv"
	"strings"
	"testing"

	"btsplan/planning"
)

// TestCheckConditionsParams: a condition carries its type's parameters
// and no other, whatever their number or names.
func TestCheckConditionsParams(t *testing.T) {
	many := map[string]string{"height_m": "30"}
	for i := range 1000 {
		many["k"+strconv.Itoa(i)] = "v"
	}
	tests := []struct {
		name   string
		c      planning.Condition
		field  string // "" for none
		reason string
	}{
		{"height", planning.Condition{Type: planning.CondMaxHeight, Params: map[string]string{"height_m": "30"}}, "", ""},
		{"camouflage with a style", planning.Condition{Type: planning.CondCamouflage, Params: map[string]string{"style": "tree"}}, "", ""},
		{"camouflage without", planning.Condition{Type: planning.CondCamouflage}, "", ""},
		{"unknown key", planning.Condition{Type: planning.CondOther, Params: map[string]string{"text": "paint it", "colour": "green"}},
			"/conditions/0/params", `unknown parameter "colour"`},
		{"a thousand keys", planning.Condition{Type: planning.CondMaxHeight, Params: many}, "/conditions/0/params", "unknown parameter"},
		{"a NUL key", planning.Condition{Type: planning.CondCamouflage, Params: map[string]string{"st\x00yle": "tree"}}, "/conditions/0/params", `"st\x00yle"`},
		{"a long key", planning.Condition{Type: planning.CondCamouflage, Params: map[string]string{strings.Repeat("k", 100000): "tree"}},
			"/conditions/0/params", "unknown parameter"},
		{"a NUL value", planning.Condition{Type: planning.CondOther, Params: map[string]string{"text": "a\x00b"}}, "/conditions/0/params/text", "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := planning.CheckConditions([]planning.Condition{tt.c})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("CheckConditions = %v, want nil", err)
				}
				return
			}
			if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != tt.field || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("CheckConditions = %v (field %q), want Invalid naming %s: %s", err, planning.FieldOf(err), tt.field, tt.reason)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error is %d bytes: it repeats the client's key", len(err.Error()))
			}
		})
	}
}
