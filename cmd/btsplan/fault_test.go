package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"btsplan/data"
	"btsplan/data/datatest"
)

// countingProxy forwards TCP connections to target and counts them: the
// connection attempts the server makes, whether the database is up or not.
type countingProxy struct {
	ln     net.Listener
	target string
	dials  atomic.Int64
	mu     sync.Mutex
	conns  []net.Conn
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *countingProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.dials.Add(1)
		up, err := net.Dial("tcp", p.target)
		if err != nil { // the database is down: so is the connection
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

func (p *countingProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// submission is the outcome of one POST /v1/proposals.
type submission struct {
	code       string
	status     int
	retryAfter string
	start, end time.Time
	err        error
	body       string
}

// TestDatabaseOutage stops the database under a stream of submissions and
// starts it again. It runs on a private cluster, so the shared test
// database is never stopped. While the database is down every answer is a
// 503 with Retry-After, never a 500 nor a hang; the server dials the
// database a few times a second at most, not once per request; it
// answers 201 again within a second of the database's return; and every
// 201 is stored, once.
func TestDatabaseOutage(t *testing.T) {
	cluster := datatest.NewCluster(t, "btsplan")
	proxy := newCountingProxy(t, fmt.Sprintf("127.0.0.1:%d", cluster.Port))
	url := strings.Replace(cluster.URL("btsplan"), fmt.Sprintf(":%d/", cluster.Port), proxy.ln.Addr().String()[len("127.0.0.1"):]+"/", 1)
	env := newTestEnv(t, url)
	env["BTSPLAN_QUERY_TIMEOUT"] = "2s"
	if out, errOut, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s\n%s", err, out, errOut)
	}
	// One province around the sites, so that submissions are accepted.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := data.Open(ctx, cluster.URL("btsplan"), data.PoolConfig{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `INSERT INTO admin_unit (code, name, level, valid_from, geom)
		VALUES ('FT', 'Tỉnh Thử', 'province', '2000-01-01', ST_Multi(ST_MakeEnvelope(104, 21, 106, 23, 4326)))`); err != nil {
		t.Fatal(err)
	}

	token := newToken(t, env, "fault-carrier", "452-04", "carrier")
	base, stop := startServe(t, env)
	defer stop()

	var (
		mu     sync.Mutex
		subs   []submission
		seq    atomic.Int64
		halt   = make(chan struct{})
		wg     sync.WaitGroup
		client = &http.Client{Timeout: 10 * time.Second, Transport: bearer{token: token, next: http.DefaultTransport}}
	)
	submit := func() submission {
		n := seq.Add(1)
		s := submission{code: fmt.Sprintf("FAULT-%05d", n), start: time.Now()}
		body := fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,21.56]},`+
			`"properties":{"carrier":"452-04","site_code":%q,"structure":"A2b","height_m":30}}`, 104.5+float64(n)*1e-4, s.code)
		resp, err := client.Post(base+"/v1/proposals", "application/json", strings.NewReader(body))
		s.end = time.Now()
		if err != nil {
			s.err = err
			return s
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s.body = string(b)
		s.status, s.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
		return s
	}
	for range 6 {
		wg.Go(func() {
			for {
				select {
				case <-halt:
					return
				default:
				}
				s := submit()
				mu.Lock()
				subs = append(subs, s)
				mu.Unlock()
				if s.status != http.StatusCreated {
					time.Sleep(5 * time.Millisecond) // a client that honours nothing, but yields
				}
			}
		})
	}

	// A second of traffic, and at least one stored submission (on a busy
	// machine the first ones, which authenticate and open cases, may take
	// longer than that).
	time.Sleep(time.Second)
	for warm := time.Now().Add(20 * time.Second); time.Now().Before(warm); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		stored := slices.ContainsFunc(subs, func(s submission) bool { return s.status == http.StatusCreated })
		mu.Unlock()
		if stored {
			break
		}
	}
	stopping := time.Now()
	cluster.Stop()
	down := time.Now()
	dialsAtDown := proxy.dials.Load()
	time.Sleep(2 * time.Second)
	dialsAtUp := proxy.dials.Load()
	cluster.Start()
	up := time.Now()
	// Run on until a submission started after the return has been stored.
	deadline := up.Add(10 * time.Second)
	var recovered time.Time
	for recovered.IsZero() && time.Now().Before(deadline) {
		mu.Lock()
		for _, s := range subs {
			if s.status == http.StatusCreated && s.start.After(up) && (recovered.IsZero() || s.end.Before(recovered)) {
				recovered = s.end
			}
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	close(halt)
	wg.Wait()

	// During the outage: 503 with Retry-After only, and no hang.
	var before, stoppingN, during, after, unavailable int
	created := map[string]bool{}
	for _, s := range subs {
		switch {
		case s.err != nil:
			t.Errorf("%s: %v, want an answer", s.code, s.err)
			continue
		case s.status == http.StatusCreated:
			created[s.code] = true
		case s.status == http.StatusServiceUnavailable:
			unavailable++
			if s.retryAfter == "" {
				t.Errorf("%s: 503 without Retry-After", s.code)
			}
		default:
			t.Errorf("%s: status %d %.300s, want 201 or 503", s.code, s.status, s.body)
		}
		if d := s.end.Sub(s.start); d > 5*time.Second {
			t.Errorf("%s: answered after %v, want within the query timeout", s.code, d)
		}
		switch {
		case s.end.Before(stopping):
			before++
			if s.status != http.StatusCreated {
				t.Errorf("%s: %d %.200s before the outage, want 201", s.code, s.status, s.body)
			}
		case s.end.Before(down):
			stoppingN++
		case s.start.After(down) && s.end.Before(up):
			during++
			if s.status != http.StatusServiceUnavailable {
				t.Errorf("%s: %d while the database was down, want 503", s.code, s.status)
			}
		default:
			after++
		}
	}
	t.Logf("pg_ctl stop took %v", down.Sub(stopping))
	t.Logf("%d submissions: %d before the outage, %d while stopping, %d during, %d after; %d stored, %d unavailable",
		len(subs), before, stoppingN, during, after, len(created), unavailable)
	if before == 0 || during == 0 {
		t.Fatalf("submissions before the outage %d, during it %d: want some of each", before, during)
	}

	// Recovery within a second of the database's return.
	if recovered.IsZero() {
		t.Fatal("no submission was stored within 10 s of the database's return")
	}
	if d := recovered.Sub(up); d > time.Second {
		t.Errorf("first 201 came %v after the database returned, want within 1 s", d)
	}

	// Dials during the outage: a prober's, not one per request.
	outage := up.Sub(down).Seconds()
	dials := dialsAtUp - dialsAtDown
	t.Logf("%d dials in the %.1f s outage, against %d requests", dials, outage, during)
	if rate := float64(dials) / outage; rate > 10 {
		t.Errorf("%d dials in a %.1f s outage (%.0f/s), want at most 10/s", dials, outage, rate)
	}

	// Every 201 is stored, once.
	rows, err := pool.Query(ctx, "SELECT site_code, count(*) FROM proposal WHERE site_code LIKE 'FAULT-%' GROUP BY site_code")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			t.Fatal(err)
		}
		stored[code] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for code := range created {
		if stored[code] != 1 {
			t.Errorf("%s answered 201 but is stored %d times", code, stored[code])
		}
	}
	for code, n := range stored {
		if n != 1 {
			t.Errorf("%s is stored %d times", code, n)
		}
	}
}
