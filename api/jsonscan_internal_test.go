package api

import (
	"strings"
	"testing"

	"btsplan/planning"
)

// nested returns a document n arrays deep around v, inside a member.
func nested(n int, v string) string {
	return `{"properties":{"x":` + strings.Repeat("[", n) + v + strings.Repeat("]", n) + `}}`
}

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int // 0: accepted
		wantField  string
		wantReason string
	}{
		{"plain", `{"a": [1, -0, 1e999, "x", true, null, {"b": {}}], "c": "đ\u00e9\ud83d\ude00"}`, 0, "", ""},
		{"deep but within the limit", nested(maxJSONDepth-2, "1"), 0, "", ""},
		{"one level too deep", nested(maxJSONDepth-1, "1"), 400, "/properties/x" + strings.Repeat("/0", maxJSONDepth-2), "levels deep"},
		{"10,000 levels", nested(10000, "1"), 400, "/properties/x" + strings.Repeat("/0", maxJSONDepth-2), "levels deep"},
		{"10,000 unclosed objects", strings.Repeat(`{"a":`, 10000), 400, strings.Repeat("/a", maxJSONDepth), "levels deep"},
		{"duplicate member", `{"properties":{"carrier":"999-99","carrier":"452-01"}}`, 400, "/properties/carrier", "duplicate"},
		{"duplicate member differing in case", `{"properties":{"carrier":"999-99","Carrier":"452-01"}}`, 400, "/properties/Carrier", "case"},
		{"duplicate member with the Kelvin sign", `{"kind":1,"\u212aind":2}`, 400, "/\u212aind", "case"},
		{"duplicate member written with an escape", `{"type":"Feature","t\u0079pe":"x"}`, 400, "/type", "duplicate"},
		{"duplicate in an array element", `{"a":[{"b":1},{"b":1,"b":2}]}`, 400, "/a/1/b", "duplicate"},
		{"same name in sibling objects", `{"a":{"b":1},"c":{"b":1}}`, 0, "", ""},
		{"escaped NUL", `{"properties":{"site_code":"A\u0000B"}}`, 422, "/properties/site_code", "NUL"},
		{"escaped NUL in a name", `{"a\u0000":1}`, 400, "", "NUL"},
		{"escaped NUL in a nested name", `{"properties":{"a\u0000":1}}`, 400, "/properties", "NUL"},
		{"raw NUL in a string", "{\"a\":\"x\x00\"}", 400, "/a", "control character"},
		{"invalid UTF-8 in a value", "{\"a\":\"\xff\"}", 400, "/a", "UTF-8"},
		{"invalid UTF-8 in a name", "{\"\xc3\x28\":1}", 400, "", "UTF-8"},
		{"lone high surrogate", `{"a":"\ud800"}`, 400, "/a", "surrogate"},
		{"lone low surrogate", `{"a":"\udc00x"}`, 400, "/a", "surrogate"},
		{"reversed surrogates", `{"a":"\ude00\ud83d"}`, 400, "/a", "surrogate"},
		{"long member name", `{"` + strings.Repeat("k", 300) + `":1}`, 400, "", "member name"},
		{"long number", `{"h":` + strings.Repeat("1", 200) + `}`, 422, "/h", "characters"},
		{"long exponent", `{"h":1e` + strings.Repeat("9", 200) + `}`, 422, "/h", "characters"},
		{"long array", `{"c":[` + strings.Repeat("0,", maxJSONArrayLen) + `0]}`, 422, "/c", "elements"},
		{"NaN", `{"h":NaN}`, 400, "/h", "invalid character 'N'"},
		{"leading zero", `{"h":01}`, 400, "", "after object value"},
		{"plus sign", `{"h":+1}`, 400, "/h", "at start of value"},
		{"bare fraction", `{"h":1.}`, 400, "/h", "in number"},
		{"trailing garbage", `{} x`, 400, "", "invalid character 'x'"},
		{"two documents", `{}{}`, 400, "", "a second value"},
		{"byte-order mark", "\xef\xbb\xbf{}", 400, "", "\\ufeff"},
		{"bad escape", `{"a":"\x"}`, 400, "/a", "escape"},
		{"truncated escape", `{"a":"\u12`, 400, "/a", "end of JSON"},
		{"truncated literal", `{"a":tru`, 400, "/a", "end of JSON"},
		{"empty", ` `, 400, "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkJSON([]byte(tt.body))
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("checkJSON = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkJSON = nil, want a %d naming %q", tt.wantStatus, tt.wantField)
			}
			if got := statusOf(err); got != tt.wantStatus {
				t.Errorf("status = %d, want %d (%v)", got, tt.wantStatus, err)
			}
			if got := planning.FieldOf(err); got != tt.wantField {
				t.Errorf("field = %q, want %q (%v)", got, tt.wantField, err)
			}
			if !strings.Contains(err.Error(), tt.wantReason) {
				t.Errorf("error %q, want it to mention %q", err, tt.wantReason)
			}
			if len(err.Error()) > 500 {
				t.Errorf("error is %d bytes long: it must not echo the input", len(err.Error()))
			}
		})
	}
}

// TestDecodeJSONDeep: a site body nested 10,000 deep once took minutes to
// be refused (a JSON pointer rebuilt for every token); now the pre-scan
// refuses it at the 33rd level, before json.Unmarshal.
func TestDecodeJSONDeep(t *testing.T) {
	for _, body := range []string{
		nested(10000, "1"),
		`{"type":"Feature","properties":` + strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000) + "}",
	} {
		var in siteFeatureIn
		err := decodeJSON([]byte(body), &in)
		if statusOf(err) != 400 || !strings.Contains(err.Error(), "levels deep") {
			t.Errorf("decodeJSON(10,000 deep) = %v, want a 400 about the depth", err)
		}
	}
}

// TestPointerOf checks the pointer walk that names a type error's value.
func TestPointerOf(t *testing.T) {
	body := `{"a/b": {"c~d": [1, {"e": "x"}, [true]]}, "f": 2}`
	tests := []struct {
		at   string // the text the offset points into
		want string
	}{
		{`{"a/b"`, ""},
		{`1,`, "/a~1b/c~0d/0"},
		{`"x"`, "/a~1b/c~0d/1/e"},
		{`{"e"`, "/a~1b/c~0d/1"},
		{`true`, "/a~1b/c~0d/2/0"},
		{`2}`, "/f"},
	}
	for _, tt := range tests {
		off := strings.Index(body, tt.at)
		if got := pointerOf([]byte(body), int64(off)); got != tt.want {
			t.Errorf("pointerOf(%q at %d) = %q, want %q", tt.at, off, got, tt.want)
		}
	}
}

// BenchmarkCheckJSONDeep measures the refusal of a body 10,000 levels deep
// (it must take microseconds, not minutes).
func BenchmarkCheckJSONDeep(b *testing.B) {
	body := []byte(nested(10000, "1"))
	b.ReportAllocs()
	for b.Loop() {
		var in siteFeatureIn
		if err := decodeJSON(body, &in); err == nil {
			b.Fatal("accepted")
		}
	}
}
