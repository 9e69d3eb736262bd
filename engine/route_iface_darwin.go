package engine

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// permissionHint adds to a refused bind what would allow it.
const permissionHint = ""

// bindControl binds each socket to the device with IP_BOUND_IF or IPV6_BOUND_IF, by the
// index of the utun device.
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return bindByIndex(name, func(fd uintptr, ipv6 bool, index int) error {
		if ipv6 {
			return unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_BOUND_IF, index)
		}
		return unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BOUND_IF, index)
	})
}
