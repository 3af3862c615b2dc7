//go:build !linux

package main

// lowerWorkerPriority does nothing where threads have no nice value of
// their own.
func lowerWorkerPriority() {}
