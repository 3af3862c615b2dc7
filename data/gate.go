package data

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/puddle/v2"
)

// errDatabaseDown refuses a new connection while the gate is closed. It
// is returned at once, without a dial, and translates to Unavailable.
var errDatabaseDown = errors.New("database unreachable: waiting for a probe to get through")

// Backoff of the gate's prober: the first probe comes 25–50 ms after the
// database is lost, then the delay doubles up to 250–500 ms. A database
// that comes back is seen within about half a second, and an outage costs
// at most a few connection attempts a second, however many requests come.
const (
	gateMinBackoff   = 50 * time.Millisecond
	gateMaxBackoff   = 500 * time.Millisecond
	gateProbeTimeout = 5 * time.Second
)

// gate keeps a dead database from being dialled by every request. Any
// connection-class failure (connLost) of a connect, query, batch or COPY
// closes it. While it is closed, every new connection of the pool fails at
// once with errDatabaseDown (BeforeConnect), so requests answer 503 without
// a dial, and one prober goroutine pings the database with exponential
// backoff and jitter; the first ping that succeeds opens the gate again.
// The prober's own connections pass the closed gate: their context carries
// probeKey.
type gate struct {
	after   func(time.Duration) <-chan time.Time // time.After, or a test's clock
	jitter  func(time.Duration) time.Duration    // the delay actually waited for a nominal one
	timeout time.Duration                        // of one probe
	notify  func(down bool)                      // told when the gate closes and when the prober stops; tests use it

	mu      sync.Mutex
	probe   func(context.Context) error // the pool's Ping, set once the pool exists
	down    bool
	probing bool
}

type probeKey struct{}

func newGate() *gate {
	return &gate{after: time.After, jitter: halfJitter, timeout: gateProbeTimeout}
}

// halfJitter returns a random duration in [d/2, d], so that the probes of
// several servers do not fall in step.
func halfJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d-d/2+1)
}

// backoff is the nominal delay before probe n (0-based).
func backoff(n int) time.Duration {
	d := gateMinBackoff
	for i := 0; i < n && d < gateMaxBackoff; i++ {
		d *= 2
	}
	return min(d, gateMaxBackoff)
}

// setProbe sets the function that probes the database: the pool's Ping,
// which exists only once the pool does.
func (g *gate) setProbe(probe func(context.Context) error) {
	g.mu.Lock()
	g.probe = probe
	g.mu.Unlock()
}

// isDown reports whether the gate is closed.
func (g *gate) isDown() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down
}

// beforeConnect is the pool's BeforeConnect hook: it refuses every new
// connection but the prober's while the gate is closed.
func (g *gate) beforeConnect(ctx context.Context, _ *pgx.ConnConfig) error {
	if ctx.Value(probeKey{}) == nil && g.isDown() {
		return errDatabaseDown
	}
	return nil
}

// observe closes the gate when err says the database went away. The
// prober's own failures are its loop's business.
func (g *gate) observe(ctx context.Context, err error) {
	if err == nil || ctx.Value(probeKey{}) != nil || errors.Is(err, errDatabaseDown) || !connLost(err) {
		return
	}
	g.mu.Lock()
	changed := !g.down
	g.down = true
	start := !g.probing
	g.probing = true
	g.mu.Unlock()
	if changed && g.notify != nil {
		g.notify(true)
	}
	if start {
		go g.run()
	}
}

// run probes the database until a probe succeeds or the pool is closed.
func (g *gate) run() {
	for n := 0; ; n++ {
		<-g.after(g.jitter(backoff(n)))
		g.mu.Lock()
		probe := g.probe
		g.mu.Unlock()
		if probe == nil { // the pool is still being built
			continue
		}
		ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), probeKey{}, true), g.timeout)
		err := probe(ctx)
		cancel()
		if err != nil && !errors.Is(err, puddle.ErrClosedPool) {
			continue
		}
		g.mu.Lock()
		g.probing = false
		g.down = err != nil
		g.mu.Unlock()
		if g.notify != nil {
			g.notify(err != nil)
		}
		return
	}
}

// gateTracer feeds the gate the outcome of every connect, query, batch and
// COPY of the pool's connections.
type gateTracer struct{ g *gate }

var (
	_ pgx.QueryTracer    = gateTracer{}
	_ pgx.ConnectTracer  = gateTracer{}
	_ pgx.BatchTracer    = gateTracer{}
	_ pgx.CopyFromTracer = gateTracer{}
)

func (t gateTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (t gateTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	t.g.observe(ctx, d.Err)
}

func (t gateTracer) TraceConnectStart(ctx context.Context, _ pgx.TraceConnectStartData) context.Context {
	return ctx
}

func (t gateTracer) TraceConnectEnd(ctx context.Context, d pgx.TraceConnectEndData) {
	t.g.observe(ctx, d.Err)
}

func (t gateTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (t gateTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	t.g.observe(ctx, d.Err)
}

func (t gateTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	t.g.observe(ctx, d.Err)
}

func (t gateTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	return ctx
}

func (t gateTracer) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromEndData) {
	t.g.observe(ctx, d.Err)
}
