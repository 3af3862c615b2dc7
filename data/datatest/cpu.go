//go:build linux

package datatest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100 on
// every Linux architecture Go runs on).
const userHZ = 100

// MeasureCPU starts counting the CPU time (user and system) that this
// process and the PostgreSQL backends behind pool spend, and returns a
// function that reports it per operation as cpu-ms/op, and the database's
// share of it as db-cpu-ms/op. The benchmark's
// clients, server and database share the machine's cores, so on a machine
// that other work loads too, cpu-ms/op stays meaningful where throughput
// does not: 2 cores give at most 2000/cpu-ms/op operations per second.
// It opens every connection of the pool first, so that each backend is
// counted. It reports nothing where /proc is missing (not Linux).
func MeasureCPU(b *testing.B, pool *pgxpool.Pool) (report func()) {
	b.Helper()
	ctx := context.Background()
	n := int(pool.Config().MaxConns)
	pids := make([]int, 0, n)
	conns := make([]*pgxpool.Conn, 0, n)
	for range n {
		c, err := pool.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
		var pid int
		if err := c.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			b.Fatal(err)
		}
		pids = append(pids, pid)
	}
	for _, c := range conns {
		c.Release()
	}
	self0, db0, ok := cpuOf(pids)
	if !ok {
		return func() {}
	}
	return func() {
		self1, db1, ok := cpuOf(pids)
		if ok && b.N > 0 {
			perOp := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(perOp(self1-self0+db1-db0), "cpu-ms/op")
			b.ReportMetric(perOp(db1-db0), "db-cpu-ms/op")
		}
	}
}

// cpuOf returns the CPU time of this process and that of the processes
// pids.
func cpuOf(pids []int) (self, others time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, false
	}
	self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	for _, pid := range pids {
		d, err := procCPU(pid)
		if err != nil {
			return 0, 0, false
		}
		others += d
	}
	return self, others, true
}

// procCPU reads utime + stime of process pid from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after it
	// start past its closing parenthesis: state is field 3, utime 14.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	var ticks int64
	for _, field := range f[11:13] {
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
