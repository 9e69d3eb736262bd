//go:build unix

package engine

import "syscall"

// openFileLimit is the process's current soft limit on open descriptors; 0 when unknown or
// unlimited.
func openFileLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur <= 0 {
		return 0
	}
	// RLIM_INFINITY differs between systems; any figure this large caps nothing anyway.
	if cur := uint64(lim.Cur); cur < 1<<40 {
		return cur
	}
	return 0
}
