//go:build unix

package main

import (
	"strconv"
	"syscall"
)

// lowerFileLimit sets the soft and hard RLIMIT_NOFILE to limit ("" leaves them).
func lowerFileLimit(limit string) error {
	if limit == "" {
		return nil
	}
	n, err := strconv.ParseUint(limit, 10, 64)
	if err != nil {
		return err
	}
	var lim syscall.Rlimit
	setLimit(&lim.Cur, n)
	setLimit(&lim.Max, n)
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// setLimit stores n in an rlimit field, whose type differs between systems.
func setLimit[T int64 | uint64](field *T, n uint64) { *field = T(n) }
