package planning_test

import (
	"strings"
	"testing"

	"btsplan/planning"
)

// FuzzLoadRules feeds arbitrary bytes to the rule loader as a province
// file: it must never panic, and every error must be Invalid and name the
// file and a line (1-based) in it.
func FuzzLoadRules(f *testing.F) {
	f.Add([]byte(provinceHeader + goodRule))
	f.Add([]byte(provinceHeader + goodRule + "disable: [road-corridor]\n"))
	f.Add([]byte("schema: 1\nprovince: \"25\"\nrules: []\n"))
	f.Add([]byte(provinceHeader + "  - id: [unclosed\n"))
	f.Add([]byte(provinceHeader + strings.Replace(goodRule, "    effect: consent", "\teffect: consent", 1)))
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]\n"))
	f.Add([]byte(strings.Repeat("[", 5000)))
	f.Add([]byte("schema: 1\nprovince: \"\x00\"\nrules: []\n"))
	f.Add([]byte("schema: 1\nprovince: \"25\"\nrules:\n  - \xff\xfe\n"))
	f.Add([]byte(`{"schema": 1, "province": "25", "rules": [{"id": "x", "distance_m": 1e999}]}`))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("schema: !!binary AAAA\n"))
	f.Add([]byte{})
	national := nationalFile(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "rules/fuzz.yaml"
		book, err := planning.ParseRuleBook(national, planning.RuleFile{Name: name, Data: data})
		if err == nil {
			if book == nil {
				t.Fatal("ParseRuleBook = nil, nil")
			}
			return
		}
		if planning.KindOf(err) != planning.Invalid {
			t.Errorf("KindOf(%v) = %v, want Invalid", err, planning.KindOf(err))
		}
		res := planning.RuleErrors(err)
		if len(res) == 0 {
			t.Fatalf("error %v names no file and line", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, re := range res {
			if re.File != name || re.Line < 1 || re.Line > lines {
				t.Errorf("rule error %q: want file %s and a line in 1..%d", re, name, lines)
			}
		}
	})
}
