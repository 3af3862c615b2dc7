package planning_test

import (
	"strings"
	"testing"

	"btsplan/planning"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		name      string
		s         string
		max       int
		multiline bool
		wantErr   string
	}{
		{"plain", "VT-HN-0001", 64, false, ""},
		{"vietnamese", "Thôn Đồng Bùa", 64, false, ""},
		{"exactly max runes", strings.Repeat("đ", 64), 64, false, ""},
		{"one rune too many", strings.Repeat("đ", 65), 64, false, "65 characters"},
		{"huge", strings.Repeat("a", 900_000), 64, false, "900000 bytes"},
		{"NUL", "VT\x00X", 64, false, "NUL"},
		{"NUL in free text", "a\x00b", 64, true, "NUL"},
		{"line break in a line", "a\nb", 64, false, "control character U+000A"},
		{"line break in free text", "a\nb\tc", 64, true, ""},
		{"escape", "a\x1bb", 64, true, "control character U+001B"},
		{"bad UTF-8", "a\xffb", 64, false, "not valid UTF-8"},
		{"real U+FFFD", "a\uFFFDb", 64, false, ""},
		{"right-to-left override", "VT-\u202e1000", 64, false, "U+202E"},
		{"isolate in free text", "a\u2066b", 64, true, "U+2066"},
		{"zero-width space", "VT\u200b1", 64, false, "U+200B"},
		{"zero-width joiner stays", "a\u200db", 64, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.multiline {
				err = planning.CheckText("/f", tt.s, tt.max)
			} else {
				err = planning.CheckLine("/f", tt.s, tt.max)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("got nil, want an error with %q", tt.wantErr)
			case tt.wantErr != "":
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %q, want it to contain %q", err, tt.wantErr)
				}
				if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != "/f" {
					t.Errorf("got kind %v field %q, want Invalid at /f", planning.KindOf(err), planning.FieldOf(err))
				}
				if len(err.Error()) > 200 {
					t.Errorf("error is %d bytes long: it must not echo the value", len(err.Error()))
				}
			}
		})
	}
}
