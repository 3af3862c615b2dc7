package api_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"btsplan/api"
	"btsplan/planning"
)

func TestRetryAfterOn503(t *testing.T) {
	ta := newTestAPI(t, func(c *api.Config, _ *testAPI) {
		c.Ready = func(context.Context) error { return errors.New("connection refused") }
	})
	ta.zones.ZonesNearFunc = func(context.Context, planning.ZoneQuery) ([]planning.ZoneHit, error) {
		return nil, &planning.Error{Kind: planning.Unavailable, Err: errors.New("database unreachable")}
	}
	tests := []struct {
		name, method, target string
		body                 []byte
	}{
		{"readyz", "GET", "/readyz", nil},
		{"database unavailable", "POST", "/v1/checks", mustJSON(t, siteBody(inForest))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != nil {
				body = bytes.NewReader(tt.body)
			}
			rec := ta.do(t, tt.method, tt.target, body)
			decodeProblem(t, rec, http.StatusServiceUnavailable)
			if got := rec.Header().Get("Retry-After"); got != "1" {
				t.Errorf("Retry-After = %q, want 1", got)
			}
		})
	}
	// Other problems carry none.
	rec := ta.do(t, "GET", "/v1/proposals/99", nil)
	if got := rec.Header().Get("Retry-After"); rec.Code != 404 || got != "" {
		t.Errorf("404: status %d, Retry-After %q; want 404 without Retry-After", rec.Code, got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ta := newTestAPI(t, func(c *api.Config, _ *testAPI) {
		c.Web = fstest.MapFS{"index.html": {Data: []byte("<!DOCTYPE html><title>map</title>")}}
	})
	if rec := ta.do(t, "POST", "/v1/proposals", bytes.NewReader(mustJSON(t, siteBody(clear)))); rec.Code != 201 {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	}
	for _, target := range []string{"/", "/v1/proposals", "/v1/proposals/1/report.html", "/v2/nothing"} {
		t.Run(target, func(t *testing.T) {
			rec := ta.do(t, "GET", target, nil)
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
				}
			}
			if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
				t.Errorf("Content-Security-Policy %q allows inline or eval'd scripts", csp)
			}
		})
	}
}

func TestCORS(t *testing.T) {
	const allowed, other = "https://gis.example.vn", "https://evil.example"
	preflight := []string{"Origin", allowed, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"}

	t.Run("off by default", func(t *testing.T) {
		ta := newTestAPI(t)
		rec := ta.do(t, "GET", "/v1/proposals", nil, "Origin", allowed)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); rec.Code != 200 || got != "" {
			t.Errorf("GET with Origin: %d, Access-Control-Allow-Origin %q; want 200 and none", rec.Code, got)
		}
		rec = ta.do(t, "OPTIONS", "/v1/proposals", nil, preflight...)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); rec.Code == 204 || got != "" {
			t.Errorf("preflight: %d, Access-Control-Allow-Origin %q; want no CORS answer", rec.Code, got)
		}
	})

	ta := newTestAPI(t, func(c *api.Config, _ *testAPI) { c.CORSOrigins = []string{allowed, "http://localhost:3000"} })
	tests := []struct {
		name, method, origin string
		headers              []string
		wantStatus           int
		wantACAO             string
	}{
		{"allowed origin", "GET", allowed, nil, 200, allowed},
		{"other origin", "GET", other, nil, 200, ""},
		{"no origin", "GET", "", nil, 200, ""},
		{"allowed preflight", "OPTIONS", allowed, preflight[2:], 204, allowed},
		{"other preflight", "OPTIONS", other, preflight[2:], 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.headers
			if tt.origin != "" {
				h = append([]string{"Origin", tt.origin}, h...)
			}
			rec := ta.do(t, tt.method, "/v1/proposals", nil, h...)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantACAO {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantACAO)
			}
			if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("Access-Control-Allow-Credentials = %q, want none", got)
			}
			if !contains(rec.Header().Values("Vary"), "Origin") {
				t.Errorf("Vary = %q, want Origin in it", rec.Header().Values("Vary"))
			}
			if tt.wantStatus == 204 && !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") {
				t.Errorf("Access-Control-Allow-Methods = %q, want POST in it", rec.Header().Get("Access-Control-Allow-Methods"))
			}
		})
	}

	for _, bad := range []string{"*", "null", "https://gis.example.vn/", "gis.example.vn", "https://u@gis.example.vn", "ftp://gis.example.vn"} {
		if err := (api.Config{CORSOrigins: []string{bad}}).Validate(); err == nil {
			t.Errorf("Validate accepts the CORS origin %q", bad)
		}
	}
}

func TestInFlightLimit(t *testing.T) {
	const max = 2
	ta := newTestAPI(t, func(c *api.Config, _ *testAPI) { c.MaxInFlight = max })
	entered := make(chan struct{}, max)
	release := make(chan struct{})
	ta.zones.ZonesNearFunc = func(ctx context.Context, _ planning.ZoneQuery) ([]planning.ZoneHit, error) {
		entered <- struct{}{}
		<-release
		return nil, nil
	}
	body := mustJSON(t, siteBody(clear))
	var wg sync.WaitGroup
	codes := make(chan int, max)
	for range max {
		wg.Go(func() { codes <- ta.do(t, "POST", "/v1/checks", bytes.NewReader(body)).Code })
	}
	for range max {
		<-entered
	}
	rec := ta.do(t, "GET", "/v1/proposals", nil)
	decodeProblem(t, rec, http.StatusServiceUnavailable)
	if got := rec.Header().Get("Retry-After"); got == "" {
		t.Error("503 of a full server has no Retry-After")
	}
	for _, probe := range []string{"/healthz", "/readyz", "/metrics"} {
		if rec := ta.do(t, "GET", probe, nil); rec.Code != 200 {
			t.Errorf("%s on a full server = %d, want 200", probe, rec.Code)
		}
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("a request within the limit = %d, want 200", c)
		}
	}
	if rec := ta.do(t, "GET", "/v1/proposals", nil); rec.Code != 200 {
		t.Errorf("after the burst = %d, want 200", rec.Code)
	}
}

// slowServer serves ta's handler over real connections. With
// serverTimeout, the http.Server has its own ReadTimeout as cmd sets it;
// without, the handler's deadlines are all there is.
func slowServer(t *testing.T, readTimeout time.Duration, serverTimeout bool, opts ...option) (*testAPI, string) {
	t.Helper()
	opts = append(opts, func(c *api.Config, _ *testAPI) {
		c.ReadTimeout = readTimeout
		c.UploadMinRate = 1000
		c.UploadTimeout = time.Minute
	})
	ta := newTestAPI(t, opts...)
	srv := httptest.NewUnstartedServer(ta.h)
	if serverTimeout {
		srv.Config.ReadTimeout = readTimeout
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return ta, srv.Listener.Addr().String()
}

// TestSlowBodyIsCutOff sends a body a byte at a time, far below any sane
// rate: the handler's read deadline (plain requests) or minimum rate
// (uploads) must drop it, with no help from the http.Server.
func TestSlowBodyIsCutOff(t *testing.T) {
	var calls int
	var spec planning.LayerSpec
	for _, target := range []string{"/v1/checks", "/v1/layers?name=slow&kind=landuse&category=RDD"} {
		t.Run(target, func(t *testing.T) {
			_, addr := slowServer(t, 300*time.Millisecond, false, importFake(&calls, &spec))
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			const size = 400
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", target, size)
			sent := make(chan int, 1)
			go func() {
				n := 0
				for ; n < size; n++ {
					if _, err := conn.Write([]byte{' '}); err != nil {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				sent <- n
			}()
			// The whole body would take 20 s; the test gives up after 10.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err = io.Copy(io.Discard, bufio.NewReader(conn))
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server still holds a body sent at 20 bytes/s after 10 s")
			}
			conn.Close()
			if n := <-sent; n >= size {
				t.Errorf("the client sent all %d bytes before the server gave up", n)
			}
		})
	}
}

// TestUploadAtAGoodRate sends a layer in paced chunks for longer than the
// read timeout, well above the minimum rate: unlike a plain body, it must
// get through, even under the http.Server's own ReadTimeout.
func TestUploadAtAGoodRate(t *testing.T) {
	var calls int
	var spec planning.LayerSpec
	const readTimeout = 300 * time.Millisecond
	_, addr := slowServer(t, readTimeout, true, importFake(&calls, &spec))
	body := []byte(strings.Replace(twoForests, `"features":[`, `"pad":"`+strings.Repeat("x", 3000)+`","features":[`, 1))
	pr, pw := io.Pipe()
	go func() {
		// 500 bytes every 100 ms: 5000 bytes/s against a minimum of 1000.
		for b := body; len(b) > 0; {
			n := min(500, len(b))
			if _, err := pw.Write(b[:n]); err != nil {
				return
			}
			b = b[n:]
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	req, err := http.NewRequest("POST", "http://"+addr+"/v1/layers?name=paced&kind=landuse&category=RDD", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/geo+json")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || calls != 1 {
		t.Errorf("paced upload of %d bytes over %v = %d %.300s (%d imports), want 201", len(body), time.Since(start), resp.StatusCode, b, calls)
	}
}

// TestLongHandlerAfterBody keeps working past the read timeout once the
// body is in: net/http cancels a request's context when a read deadline
// passes under a running handler, so none may be left there.
func TestLongHandlerAfterBody(t *testing.T) {
	const readTimeout = 200 * time.Millisecond
	slow := func(ctx context.Context) error {
		select {
		case <-time.After(3 * readTimeout):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	ta, addr := slowServer(t, readTimeout, true, func(c *api.Config, _ *testAPI) { c.Ready = slow })
	ta.zones.ZonesNearFunc = func(ctx context.Context, _ planning.ZoneQuery) ([]planning.ZoneHit, error) {
		return nil, slow(ctx)
	}
	for _, tt := range []struct{ method, target, body string }{
		{"POST", "/v1/checks", string(mustJSON(t, siteBody(clear)))},
		{"GET", "/readyz", ""},
	} {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		}
		req, err := http.NewRequest(tt.method, "http://"+addr+tt.target, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s %s taking 3× the read timeout = %d %.200s, want 200", tt.method, tt.target, resp.StatusCode, b)
		}
	}
}
