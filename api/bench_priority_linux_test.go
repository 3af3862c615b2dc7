package api_test

import (
	"runtime"
	"syscall"
)

// benchLowerPriority is what cmd gives the coverage service as
// CoverageConfig.OnWorker (cmd/btsplan/priority_linux.go): the worker's
// thread at nice 10, ended with the worker.
func benchLowerPriority() {
	runtime.LockOSThread()
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 10)
}
