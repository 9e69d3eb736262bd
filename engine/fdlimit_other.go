//go:build !unix

package engine

// openFileLimit is unknown where there is no RLIMIT_NOFILE.
func openFileLimit() uint64 { return 0 }
