package data

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// fakeClock drives a gate's prober step by step: each wait the prober
// starts is reported on waits, and ends when the test sends on fire.
// Each probe takes its result from results.
type fakeClock struct {
	waits   chan time.Duration
	fire    chan time.Time
	results chan error
	changes chan bool
}

func newFakeGate() (*gate, *fakeClock) {
	fc := &fakeClock{
		waits:   make(chan time.Duration),
		fire:    make(chan time.Time),
		results: make(chan error),
		changes: make(chan bool, 16),
	}
	g := newGate()
	g.after = func(d time.Duration) <-chan time.Time {
		fc.waits <- d
		return fc.fire
	}
	g.jitter = func(d time.Duration) time.Duration { return d }
	g.notify = func(down bool) { fc.changes <- down }
	g.setProbe(func(ctx context.Context) error {
		if ctx.Value(probeKey{}) == nil {
			return errors.New("probe without the probe key")
		}
		return <-fc.results
	})
	return g, fc
}

// step lets the prober's next wait pass, checks its length, and gives the
// probe its result.
func (fc *fakeClock) step(t *testing.T, want time.Duration, result error) {
	t.Helper()
	if got := <-fc.waits; got != want {
		t.Errorf("prober waited %v, want %v", got, want)
	}
	fc.fire <- time.Time{}
	fc.results <- result
}

// noWait fails if the prober starts another wait.
func (fc *fakeClock) noWait(t *testing.T) {
	t.Helper()
	select {
	case d := <-fc.waits:
		t.Errorf("a prober started waiting %v, want none", d)
	default:
	}
}

func TestGate(t *testing.T) {
	lost := &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}
	ctx := context.Background()
	probeCtx := context.WithValue(ctx, probeKey{}, true)

	g, fc := newFakeGate()
	if err := g.beforeConnect(ctx, nil); err != nil {
		t.Fatalf("new gate: beforeConnect = %v, want nil", err)
	}

	// Errors that are not about the connection leave the gate open.
	for _, err := range []error{
		&pgconn.PgError{Code: "23505"},
		context.DeadlineExceeded,
		fmt.Errorf("acquire: %w", errDatabaseDown),
	} {
		g.observe(ctx, err)
		if g.isDown() {
			t.Fatalf("observe(%v) closed the gate", err)
		}
	}
	// Nor does a failing probe's own error, reported by the tracer.
	g.observe(probeCtx, lost)
	if g.isDown() {
		t.Fatal("a probe's failure closed the gate")
	}

	// A lost connection closes it: new connections fail at once, except
	// the prober's.
	g.observe(ctx, lost)
	if down := <-fc.changes; !down {
		t.Fatal("notify(false) after a lost connection, want notify(true)")
	}
	if err := g.beforeConnect(ctx, nil); !errors.Is(err, errDatabaseDown) || !connLost(err) {
		t.Errorf("closed gate: beforeConnect = %v, want errDatabaseDown", err)
	}
	if err := g.beforeConnect(probeCtx, nil); err != nil {
		t.Errorf("closed gate: beforeConnect(probe) = %v, want nil", err)
	}

	// Many more failures while it is closed start no second prober.
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { g.observe(ctx, lost) })
	}
	wg.Wait()

	// The prober backs off exponentially up to the cap.
	for _, want := range []time.Duration{50, 100, 200, 400, 500, 500, 500} {
		fc.step(t, want*time.Millisecond, errors.New("connection refused"))
	}
	if !g.isDown() {
		t.Fatal("the gate opened after failed probes")
	}
	// The first probe that succeeds opens the gate, and the prober stops.
	fc.step(t, 500*time.Millisecond, nil)
	if down := <-fc.changes; down {
		t.Fatal("notify(true) after a good probe, want notify(false)")
	}
	if err := g.beforeConnect(ctx, nil); err != nil {
		t.Errorf("reopened gate: beforeConnect = %v, want nil", err)
	}
	fc.noWait(t)

	// The next outage starts the backoff again from its minimum.
	g.observe(ctx, fmt.Errorf("dial: %w", refusedConnect(t)))
	<-fc.changes
	fc.step(t, 50*time.Millisecond, errors.New("connection refused"))
	fc.step(t, 100*time.Millisecond, nil)
	<-fc.changes

	// A closed pool stops the prober for good.
	g.observe(ctx, lost)
	<-fc.changes
	fc.step(t, 50*time.Millisecond, puddle.ErrClosedPool)
	if down := <-fc.changes; !down {
		t.Error("the gate opened when the pool closed")
	}
	g.mu.Lock()
	probing := g.probing
	g.mu.Unlock()
	if probing {
		t.Error("the prober runs on after the pool closed")
	}
	fc.noWait(t)
}

func TestHalfJitter(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 2, 3, 50 * time.Millisecond, 500 * time.Millisecond} {
		t.Run(d.String(), func(t *testing.T) {
			for range 1000 {
				if got := halfJitter(d); got < d/2 || got > d {
					t.Fatalf("halfJitter(%v) = %v, want in [%v, %v]", d, got, d/2, d)
				}
			}
		})
	}
}
