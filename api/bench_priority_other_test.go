//go:build !linux

package api_test

func benchLowerPriority() {}
