package web_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"btsplan/data"
	"btsplan/data/datatest"
)

// chromiumPath is where Debian's chromium package puts the browser; the
// test never downloads one.
const chromiumPath = "/usr/bin/chromium"

// TestMapInBrowser runs the server as it ships: it builds btsplan, loads
// the demo district with `btsplan demo` into a throwaway schema, makes
// three demo cases overdue (testdata/overdue.sql), starts `btsplan serve`
// on a free port and runs webtest/map.test.mjs against it in headless
// Chromium, signed in as the demo's admin, carrier, reviewer and analyst
// in turn. The screenshots go to $WEBTEST_SCREENSHOTS when set, else to
// the test's temporary folder.
func TestMapInBrowser(t *testing.T) {
	node := browserTools(t)
	url := datatest.NewURL(t) // migrated
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	t0 := time.Now()
	bin := buildBtsplan(ctx, t)
	t.Logf("go build: %.1f s", time.Since(t0).Seconds())
	env := append(os.Environ(), "DATABASE_URL="+url, "BTSPLAN_DATA_DIR="+t.TempDir(),
		"BTSPLAN_WEB_DIR=", "BTSPLAN_LOG_LEVEL=warn", "BTSPLAN_WORKERS=1",
		// The demo computes 20 coverages: let it use both cores of a small CI box.
		"BTSPLAN_COVERAGE_WORKERS=2")
	tokFile := filepath.Join(t.TempDir(), "demo-tokens.env")
	if out, err := command(ctx, bin, env, "demo", "--tokens", tokFile).CombinedOutput(); err != nil {
		t.Fatalf("btsplan demo: %v\n%s", err, out)
	}
	t.Logf("btsplan demo: %.1f s", time.Since(t0).Seconds())
	tokens := readTokens(t, tokFile)
	overdue := makeOverdue(ctx, t, url)
	base := serve(ctx, t, bin, env)
	t.Logf("btsplan serve: %.1f s", time.Since(t0).Seconds())

	shots := os.Getenv("WEBTEST_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	cmd := exec.CommandContext(ctx, node, filepath.Join("webtest", "map.test.mjs"), base)
	cmd.Env = append(os.Environ(), "WEBTEST_SCREENSHOTS="+shots, "CHROMIUM="+chromiumPath,
		"WEBTEST_OVERDUE="+strings.Join(overdue, ","))
	for _, role := range []string{"ADMIN", "CARRIER", "REVIEWER", "ANALYST"} {
		if tokens["BTSPLAN_TOKEN_"+role] == "" {
			t.Fatalf("btsplan demo wrote no BTSPLAN_TOKEN_%s to %s", role, tokFile)
		}
	}
	// Every demo user's token, the other authorities' reviewers too
	// (WEBTEST_TOKEN_REVIEWER_SXD, ...).
	for k, tok := range tokens {
		if role, ok := strings.CutPrefix(k, "BTSPLAN_TOKEN_"); ok {
			cmd.Env = append(cmd.Env, "WEBTEST_TOKEN_"+role+"="+tok)
		}
	}
	out, err := cmd.CombinedOutput()
	t.Logf("node webtest/map.test.mjs %s:\n%s", base, out)
	if err != nil {
		t.Fatalf("browser test: %v (screenshots in %s)", err, shots)
	}
}

// browserTools returns the path of node. It skips the test when node,
// Chromium or playwright-core is missing, and fails it when CI is set:
// the browser test must run in CI (make tools installs them).
func browserTools(t *testing.T) string {
	t.Helper()
	var missing []error
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, errors.New("node is not on PATH (apt-get install nodejs npm)"))
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, errors.New(chromiumPath+" is missing (apt-get install chromium)"))
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, errors.New("web/node_modules/playwright-core is missing (npm ci --prefix web)"))
	}
	if len(missing) > 0 {
		msg := "browser test needs: " + errors.Join(missing...).Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; run make tools")
	}
	return node
}

// buildBtsplan builds the command (with this web map embedded) into a
// temporary folder. go test puts its own go first on PATH.
func buildBtsplan(ctx context.Context, t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "btsplan")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "btsplan/cmd/btsplan").CombinedOutput()
	if err != nil {
		t.Fatalf("go build btsplan/cmd/btsplan: %v\n%s", err, out)
	}
	return bin
}

func command(ctx context.Context, bin string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	return cmd
}

// readTokens reads the demo's shell exports (export NAME=VALUE).
func readTokens(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("demo tokens: %v", err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out
}

// siteCodesLine is where testdata/overdue.sql names the cases it changes.
var siteCodesLine = regexp.MustCompile(`(?m)^-- site codes: (\S+)$`)

// makeOverdue runs testdata/overdue.sql on the demo's schema and returns
// the site codes of the cases it made overdue, sorted as the SQL lists
// them. It fails when the SQL does not change exactly those cases (the
// demo renamed them).
func makeOverdue(ctx context.Context, t *testing.T, url string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "overdue.sql"))
	if err != nil {
		t.Fatal(err)
	}
	m := siteCodesLine.FindSubmatch(b)
	if m == nil {
		t.Fatal("testdata/overdue.sql has no \"-- site codes:\" line")
	}
	codes := strings.Split(string(m[1]), ",")
	pool, err := data.Open(ctx, url, data.PoolConfig{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	tag, err := pool.Exec(ctx, string(b))
	if err != nil {
		t.Fatalf("testdata/overdue.sql: %v", err)
	}
	if tag.RowsAffected() != int64(len(codes)) {
		t.Fatalf("testdata/overdue.sql changed %d cases, want %d (%v): are they still in the demo?", tag.RowsAffected(), len(codes), codes)
	}
	return codes
}

// servingLine is what serve prints once it listens.
var servingLine = regexp.MustCompile(`serving the API and the web map on (http://\S+)`)

// serve starts `btsplan serve` on a free loopback port and returns its
// URL; the server is interrupted, and its log shown on failure, when the
// test ends.
func serve(ctx context.Context, t *testing.T, bin string, env []string) string {
	t.Helper()
	cmd := command(ctx, bin, env, "serve", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("btsplan serve: %v", err)
	}
	// done is closed once serve has exited, with waitErr set.
	done := make(chan struct{})
	var waitErr error
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(&log, sc.Text())
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		waitErr = cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("btsplan serve's output:\n%s", log.String())
		}
	})
	select {
	case u := <-urls:
		return u
	case <-done:
		t.Fatalf("btsplan serve stopped: %v\n%s", waitErr, log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("btsplan serve did not say where it listens within 60 s:\n%s", log.String())
	}
	return ""
}

// syncBuffer is a bytes.Buffer that the server's stdout reader and its
// stderr may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
