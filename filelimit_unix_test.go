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
	var rl syscall.Rlimit
	setRlim(&rl.Cur, n) // uint64 on Linux and macOS, int64 on the BSDs
	setRlim(&rl.Max, n)
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
}

func setRlim[T int64 | uint64](field *T, n uint64) { *field = T(n) }
