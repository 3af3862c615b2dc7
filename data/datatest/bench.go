package datatest

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Timed runs op once per b.N from clients goroutines, timing each call,
// and reports its p50-ms and p95-ms and the operations per second under
// unit (such as "checks/s"): the latency and throughput figures of the
// database benchmarks of data/ and api/.
func Timed(b *testing.B, clients int, unit string, op func(i int) error) {
	b.Helper()
	var (
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, b.N)
		next atomic.Int64
		wg   sync.WaitGroup
	)
	errs := make(chan error, clients)
	b.ResetTimer()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := op(i); err != nil {
					errs <- err
					return
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e6 }
		b.ReportMetric(at(0.50), "p50-ms")
		b.ReportMetric(at(0.95), "p95-ms")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}
