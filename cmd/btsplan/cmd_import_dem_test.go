package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
)

// runImportDEMWith runs "btsplan import dem args..." with the environment
// env and returns its output.
func runImportDEMWith(env map[string]string, args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	e := &environment{
		getenv: func(k string) string { return env[k] },
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errb,
	}
	err = runImportDEM(context.Background(), e, args)
	return out.String(), errb.String(), err
}

// writeTestHGT writes a 3" SRTM tile of gentle slopes with two voids.
func writeTestHGT(t *testing.T, dir, name string) string {
	t.Helper()
	const side = 1201
	b := make([]byte, 2*side*side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			binary.BigEndian.PutUint16(b[2*(y*side+x):], uint16(int16(100+x/10+y/20)))
		}
	}
	for _, i := range []int{5000, 5001} {
		binary.BigEndian.PutUint16(b[2*i:], 0x8000) // -32768
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportDEMFlags(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr error  // errors.Is target; nil means success
		errText string // or a substring of the error
		stderr  string
	}{
		{name: "help", args: []string{"--help"}, stderr: "--file"},
		{name: "no file", args: []string{"--name", "srtm"}, wantErr: errUsage, stderr: "no file given"},
		{name: "unknown flag", args: []string{"--bogus"}, wantErr: errUsage},
		{name: "no database", args: []string{"--file", "N21E105.hgt"}, errText: "DATABASE_URL is not set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runImportDEMWith(tc.env, tc.args...)
			switch {
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("import dem %v = %v, want %v", tc.args, err, tc.wantErr)
			case tc.errText != "" && (err == nil || !strings.Contains(err.Error(), tc.errText)):
				t.Errorf("import dem %v = %v, want an error with %q", tc.args, err, tc.errText)
			case tc.wantErr == nil && tc.errText == "" && err != nil:
				t.Errorf("import dem %v = %v, want success", tc.args, err)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("import dem %v wrote %q to stderr, want %q", tc.args, stderr, tc.stderr)
			}
		})
	}
}

func TestImportDEM(t *testing.T) {
	url := datatest.NewURL(t)
	dataDir := t.TempDir()
	env := map[string]string{"DATABASE_URL": url, "BTSPLAN_DATA_DIR": dataDir}
	src := t.TempDir()
	a := writeTestHGT(t, src, "N21E105.hgt")
	b := writeTestHGT(t, src, "N21E106.hgt")

	out, _, err := runImportDEMWith(env, "--file", a, b)
	if err != nil {
		t.Fatalf("import dem --file %s %s = %v", a, b, err)
	}
	for _, want := range []string{
		a + `: hgt srtm@1:N21E105, 1201×1201 cells of 3" (0.0008333°), 2 voids filled`,
		b + `: hgt srtm@1:N21E106,`,
		"import dem: 2 file(s), 2 tile(s), 2884802 cells",
		"4 voids filled",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import dem printed\n%s\nwant a line with %q", out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dataDir, "dem", "srtm", "N21E105.v1.dem")); err != nil {
		t.Errorf("stored tile: %v", err)
	}

	// Again, under another name: version 2 of one, version 1 of the other.
	out, _, err = runImportDEMWith(env, "--file", a)
	if err != nil || !strings.Contains(out, "srtm@2:N21E105") {
		t.Errorf("second import dem = %v, printed\n%s\nwant version 2", err, out)
	}
	out, _, err = runImportDEMWith(env, "--name", "copernicus", a)
	if err != nil || !strings.Contains(out, "copernicus@1:N21E105") {
		t.Errorf("import dem --name copernicus = %v, printed\n%s\nwant copernicus@1", err, out)
	}

	// A bad file stops the import with its name and the reason; the good
	// file before it stays imported.
	bad := filepath.Join(src, "N21E107.hgt")
	if err := os.WriteFile(bad, []byte("not a tile"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := runImportDEMWith(env, "--file", b, "--file", bad)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "is not an SRTM tile") {
		t.Errorf("import dem of a bad file = %v, want an error naming %s and the reason", err, bad)
	}
	if !strings.Contains(out, "srtm@2:N21E106") || !strings.Contains(stderr, "1 of 2 files imported") {
		t.Errorf("import dem printed\n%s\n%s\nwant the good file's line and the count", out, stderr)
	}
}
