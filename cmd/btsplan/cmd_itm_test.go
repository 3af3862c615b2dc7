package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// itmReferencePath is NTIA's reference vectors, relative to this package.
const itmReferencePath = "../../../shared/itm-reference/public.json"

// TestRunITMReference runs every case of the reference file through the
// command and checks each output line against the case's expectations:
// A__db within 0.01 dB, return code, warning flags and mode exactly.
func TestRunITMReference(t *testing.T) {
	raw, err := os.ReadFile(itmReferencePath)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Fatalf("ITM reference vectors %s are missing; CI must provide them", itmReferencePath)
		}
		t.Skipf("ITM reference vectors %s not found; skipping (this test fails when CI is set)", itmReferencePath)
	}
	if err != nil {
		t.Fatalf("read %s: %v", itmReferencePath, err)
	}
	var ref struct {
		Cases []struct {
			ID       string `json:"id"`
			Expected struct {
				ADB        *float64 `json:"A__db"`
				ReturnCode int      `json:"return_code"`
				Warnings   uint32   `json:"warnings"`
				Mode       *int     `json:"mode"`
			} `json:"expected"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatalf("decode %s: %v", itmReferencePath, err)
	}
	if len(ref.Cases) == 0 {
		t.Fatalf("%s holds no cases", itmReferencePath)
	}

	var stdout, stderr bytes.Buffer
	if err := runITM(context.Background(), []string{itmReferencePath}, &stdout, &stderr); err != nil {
		t.Fatalf("runITM(%s) = %v; stderr %q", itmReferencePath, err, stderr.String())
	}
	lines := outputLines(t, stdout.Bytes())
	if len(lines) != len(ref.Cases) {
		t.Fatalf("runITM printed %d lines, want %d (one per case)", len(lines), len(ref.Cases))
	}
	var maxDiff float64
	for i, c := range ref.Cases {
		got, want := lines[i], c.Expected
		t.Run(c.ID, func(t *testing.T) {
			if got.ID != c.ID {
				t.Fatalf("line %d id = %q, want %q", i, got.ID, c.ID)
			}
			if got.ReturnCode != want.ReturnCode {
				t.Errorf("return_code = %d, want %d", got.ReturnCode, want.ReturnCode)
			}
			if got.Warnings != want.Warnings {
				t.Errorf("warnings = %#04x, want %#04x", got.Warnings, want.Warnings)
			}
			if (got.Mode == nil) != (want.Mode == nil) || (got.Mode != nil && *got.Mode != *want.Mode) {
				t.Errorf("mode = %v, want %v", deref(got.Mode), deref(want.Mode))
			}
			if (got.ADB == nil) != (want.ADB == nil) {
				t.Fatalf("A__db present = %t, want %t", got.ADB != nil, want.ADB != nil)
			}
			if got.ADB != nil {
				d := math.Abs(*got.ADB - *want.ADB)
				maxDiff = math.Max(maxDiff, d)
				if !(d <= 0.01) {
					t.Errorf("A__db = %.6f, want %.6f ± 0.01", *got.ADB, *want.ADB)
				}
			}
		})
	}
	t.Logf("%d cases, max |ΔA__db| = %.3g dB", len(ref.Cases), maxDiff)
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// outputLines decodes the JSON lines runITM prints, strictly.
func outputLines(t *testing.T, out []byte) []itmLine {
	t.Helper()
	var lines []itmLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var l itmLine
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// validITMInputs is a valid case's inputs: 10 km over flat land at 100 m.
func validITMInputs() map[string]any {
	pfl := []any{10.0, 1000.0}
	for range 11 {
		pfl = append(pfl, 100.0)
	}
	return map[string]any{
		"h_tx__meter": 30.0, "h_rx__meter": 1.5, "climate": 1, "N_0": 301.0,
		"f__mhz": 700.0, "pol": 0, "epsilon": 25.0, "sigma": 0.02, "mdvar": 12,
		"time": 50.0, "location": 50.0, "situation": 50.0, "pfl": pfl,
	}
}

// writeITMFile writes a reference-schema file with the given cases.
func writeITMFile(t *testing.T, cases ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"schema": "itm-p2p-reference/v1", "cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestRunITMResultLines(t *testing.T) {
	bad := validITMInputs()
	bad["h_tx__meter"] = 0.2 // ITM error 1000 is a result line, not a failure
	name := writeITMFile(t,
		map[string]any{"id": "ok", "inputs": validITMInputs(), "expected": map[string]any{"ignored": true}},
		map[string]any{"id": "too-low", "inputs": bad},
	)
	var stdout, stderr bytes.Buffer
	if err := runITM(context.Background(), []string{name}, &stdout, &stderr); err != nil {
		t.Fatalf("runITM = %v, want nil", err)
	}
	text := stdout.String()
	lines := outputLines(t, stdout.Bytes())
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), text)
	}
	if l := lines[0]; l.ID != "ok" || l.ReturnCode != 0 || l.ADB == nil || l.Mode == nil || *l.Mode != 1 {
		t.Errorf("line 0 = %+v, want id ok, return_code 0, A__db set, mode 1", l)
	}
	if l := lines[1]; l.ID != "too-low" || l.ReturnCode != 1000 || l.ADB != nil || l.Mode != nil || l.Warnings != 1 {
		t.Errorf("line 1 = %+v, want id too-low, return_code 1000, warnings 1, no A__db or mode", l)
	}
	if strings.Contains(strings.Split(text, "\n")[1], "A__db") {
		t.Errorf("error line %q mentions A__db, want it left out", strings.Split(text, "\n")[1])
	}
}

func TestRunITMStdin(t *testing.T) {
	name := writeITMFile(t, map[string]any{"id": "piped", "inputs": validITMInputs()})
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = saved }()
	var stdout, stderr bytes.Buffer
	if err := runITM(context.Background(), []string{"-"}, &stdout, &stderr); err != nil {
		t.Fatalf("runITM(-) = %v", err)
	}
	if lines := outputLines(t, stdout.Bytes()); len(lines) != 1 || lines[0].ID != "piped" {
		t.Errorf("runITM(-) printed %q, want one line for case piped", stdout.String())
	}
}

func TestRunITMBadInput(t *testing.T) {
	without := func(key string) map[string]any {
		in := validITMInputs()
		delete(in, key)
		return in
	}
	with := func(key string, v any) map[string]any {
		in := validITMInputs()
		in[key] = v
		return in
	}
	pflWithNull := validITMInputs()
	pflWithNull["pfl"].([]any)[4] = nil
	tests := []struct {
		name  string
		cases []map[string]any
		want  []string // substrings of the error
	}{
		{"missing field", []map[string]any{{"id": "a", "inputs": without("sigma")}}, []string{"case 0", "(a)", `"sigma"`, "missing"}},
		{"unknown field", []map[string]any{{"id": "a", "inputs": validITMInputs()}, {"id": "b", "inputs": with("freq", 1.0)}},
			[]string{"case 1", "(b)", `"freq"`, "unknown"}},
		{"string number", []map[string]any{{"id": "a", "inputs": with("N_0", "301")}}, []string{"case 0", `"N_0"`, "number"}},
		{"null number", []map[string]any{{"id": "a", "inputs": with("time", nil)}}, []string{`"time"`, "number"}},
		{"fractional integer", []map[string]any{{"id": "a", "inputs": with("climate", 2.5)}}, []string{`"climate"`, "integer"}},
		{"null in pfl", []map[string]any{{"id": "a", "inputs": pflWithNull}}, []string{`"pfl"`, "element 4", "null"}},
		{"pfl not an array", []map[string]any{{"id": "a", "inputs": with("pfl", "flat")}}, []string{`"pfl"`, "array"}},
		{"missing id", []map[string]any{{"inputs": validITMInputs()}}, []string{"case 0", `"id"`}},
		{"missing inputs", []map[string]any{{"id": "a"}}, []string{"case 0", "(a)", `"inputs"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := writeITMFile(t, tt.cases...)
			var stdout, stderr bytes.Buffer
			err := runITM(context.Background(), []string{name}, &stdout, &stderr)
			if err == nil {
				t.Fatalf("runITM = nil, want an error; stdout %q", stdout.String())
			}
			for _, s := range append([]string{name}, tt.want...) {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing for a malformed file", stdout.String())
			}
		})
	}
}

func TestRunITMUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.json")
	notJSON := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(notJSON, []byte("pfl,1,2"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantErr    bool
		wantUsage  bool
		wantErrMsg string
	}{
		{"help", []string{"--help"}, false, true, ""},
		{"no file", nil, true, true, ""},
		{"two files", []string{"a", "b"}, true, true, ""},
		{"unknown flag", []string{"--fast", "x"}, true, true, ""},
		{"missing file", []string{missing}, true, false, missing},
		{"not json", []string{notJSON}, true, false, notJSON},
		{"no cases", []string{writeEmpty(t)}, true, false, "cases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runITM(context.Background(), tt.args, &stdout, &stderr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("runITM(%q) = %v, want error %t", tt.args, err, tt.wantErr)
			}
			if got := strings.Contains(stderr.String(), "usage: btsplan itm"); got != tt.wantUsage {
				t.Errorf("usage printed = %t, want %t; stderr %q", got, tt.wantUsage, stderr.String())
			}
			if tt.wantErrMsg != "" && !strings.Contains(err.Error(), tt.wantErrMsg) {
				t.Errorf("error %q does not name %q", err, tt.wantErrMsg)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

func writeEmpty(t *testing.T) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(name, []byte(`{"schema": "itm-p2p-reference/v1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestRunITMCancelled(t *testing.T) {
	name := writeITMFile(t, map[string]any{"id": "a", "inputs": validITMInputs()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if err := runITM(ctx, []string{name}, &stdout, &stderr); !errors.Is(err, context.Canceled) {
		t.Errorf("runITM with a cancelled context = %v, want context.Canceled", err)
	}
}
