package engine

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// permissionHint adds to a refused bind what would allow it.
const permissionHint = " (Linux before 5.7 needs CAP_NET_RAW)"

// bindControl binds each socket to the device with SO_BINDTODEVICE (unprivileged on an
// unbound socket since Linux 5.7).
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return bindWith(func(_ string, fd uintptr) error {
		return unix.SetsockoptString(int(fd), unix.SOL_SOCKET, unix.SO_BINDTODEVICE, name)
	})
}
