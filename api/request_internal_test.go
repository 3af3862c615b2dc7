package api

import (
	"math"
	"net/url"
	"strings"
	"testing"

	"btsplan/planning"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		raw  string
		want int64 // 0: refused
	}{
		{"1", 1}, {"42", 42}, {"999999999999999999", 999999999999999999},
		{"", 0}, {"0", 0}, {"+1", 0}, {"-1", 0}, {"00001", 0}, {"01", 0}, {" 1", 0}, {"1 ", 0},
		{"1e3", 0}, {"0x10", 0}, {"1_000", 0}, {"١", 0}, {"1234567890123456789", 0},
		{"9223372036854775807", 0}, {"99999999999999999999999", 0}, {"\x00", 0}, {strings.Repeat("9", 10000), 0},
	}
	for _, tt := range tests {
		got, err := parseID("id", "proposal id", tt.raw)
		if tt.want == 0 {
			if err == nil || statusOf(err) != 400 || planning.FieldOf(err) != "id" {
				t.Errorf("parseID(%.40q) = %d, %v; want a 400 naming id", tt.raw, got, err)
			}
			if err != nil && len(err.Error()) > 300 {
				t.Errorf("parseID(%.40q): error of %d bytes echoes the input", tt.raw, len(err.Error()))
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseID(%q) = %d, %v; want %d", tt.raw, got, err, tt.want)
		}
	}
}

// TestPageLinksNoOverflow: offset + limit once overflowed into a negative
// next link (offset=9223372036854775807). proposalFilter bounds offset
// now, and pageLinks compares without summing.
func TestPageLinksNoOverflow(t *testing.T) {
	u := &url.URL{Path: "/v1/proposals"}
	tests := []struct {
		f        planning.ProposalFilter
		total    int
		wantNext string
	}{
		{planning.ProposalFilter{Offset: math.MaxInt - 5, Limit: 10}, math.MaxInt, ""},
		{planning.ProposalFilter{Offset: planning.MaxListOffset, Limit: MaxPageLimit}, math.MaxInt, "/v1/proposals?limit=1000&offset=10001000"},
		{planning.ProposalFilter{Offset: 0, Limit: 50}, 50, ""},
		{planning.ProposalFilter{Offset: 0, Limit: 50}, 51, "/v1/proposals?limit=50&offset=50"},
		{planning.ProposalFilter{Offset: 100, Limit: 50}, 10, ""},
	}
	for _, tt := range tests {
		next, prev := pageLinks(u, tt.f, tt.total)
		if next != tt.wantNext {
			t.Errorf("pageLinks(%+v, %d) next = %q, want %q", tt.f, tt.total, next, tt.wantNext)
		}
		if strings.Contains(prev, "offset=-") {
			t.Errorf("pageLinks(%+v, %d) prev = %q: negative", tt.f, tt.total, prev)
		}
	}
}

// TestUnknownParamsNotEchoed: an unknown parameter is named in the
// problem only when its name is plain text; a NUL, a control or a bidi
// character, bad UTF-8 or a long name is not written back.
func TestUnknownParamsNotEchoed(t *testing.T) {
	for _, name := range []string{"a\x00b", "a\x1bb", "a\u202eb", "a\xffb", strings.Repeat("n", 65)} {
		errs := unknownParams(url.Values{name: {"1"}}, "lang")
		if len(errs) != 1 {
			t.Fatalf("%q: %d errors, want 1", name, len(errs))
		}
		if f := planning.FieldOf(errs[0]); strings.Contains(f, name) || f == "" {
			t.Errorf("%q: field %q repeats the name", name, f)
		}
	}
	if errs := unknownParams(url.Values{"filename": {"1"}}, "lang"); len(errs) != 1 || planning.FieldOf(errs[0]) != "filename" {
		t.Errorf("a plain unknown name: %v, want it named", errs)
	}
}
