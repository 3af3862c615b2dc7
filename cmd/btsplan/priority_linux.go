package main

import (
	"runtime"
	"syscall"
)

// coverageWorkerNice is the nice value of a coverage worker's thread:
// under contention the kernel gives checks and PostgreSQL (nice 0) about
// ten times its share of a core.
const coverageWorkerNice = 10

// lowerWorkerPriority locks the calling goroutine, a coverage worker, to
// its OS thread and lowers that thread's priority. The worker goroutine
// ends with its computation without unlocking, so the runtime ends the
// thread too and no other goroutine ever runs on it. Best effort: an
// error leaves the priority as it was.
func lowerWorkerPriority() {
	runtime.LockOSThread()
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), coverageWorkerNice)
}
