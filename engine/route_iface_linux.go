package engine

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// bindUnsupported is empty: this system can send a socket out of a chosen interface.
const bindUnsupported = ""

// permissionHint adds to a refused bind what would allow it.
const permissionHint = " (Linux before 5.7 needs CAP_NET_RAW)"

// bindControl binds each socket to the device with SO_BINDTODEVICE (unprivileged on an
// unbound socket since Linux 5.7).
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		var opErr error
		if err := c.Control(func(fd uintptr) {
			opErr = unix.SetsockoptString(int(fd), unix.SOL_SOCKET, unix.SO_BINDTODEVICE, name)
		}); err != nil {
			return &bindError{err: err}
		}
		if opErr != nil {
			return &bindError{err: opErr}
		}
		return nil
	}
}
