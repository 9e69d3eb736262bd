//go:build unix

package engine_test

import (
	"syscall"
	"time"
)

// cpuTime is the user plus system CPU time this process has used so far; 0 if unknown.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
