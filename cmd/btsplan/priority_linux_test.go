package main

import (
	"syscall"
	"testing"
)

// TestLowerWorkerPriority checks that a coverage worker's thread, and only
// it, runs at coverageWorkerNice.
func TestLowerWorkerPriority(t *testing.T) {
	// Linux's getpriority returns 20 - nice.
	nice := func() int {
		p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
		if err != nil {
			t.Fatal(err)
		}
		return 20 - p
	}
	before := nice()
	got := make(chan int)
	go func() {
		lowerWorkerPriority()
		got <- nice()
	}()
	if n := <-got; n != coverageWorkerNice {
		t.Errorf("worker thread nice = %d, want %d", n, coverageWorkerNice)
	}
	if n := nice(); n != before {
		t.Errorf("test thread nice = %d after a worker lowered its own, want %d unchanged", n, before)
	}
}
