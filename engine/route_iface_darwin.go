package engine

import (
	"net"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// bindUnsupported is empty: this system can send a socket out of a chosen interface.
const bindUnsupported = ""

// permissionHint adds to a refused bind what would allow it.
const permissionHint = ""

// bindControl binds each socket to the device with IP_BOUND_IF or IPV6_BOUND_IF. The index
// is looked up per dial because utun devices come and go with the VPN.
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		ifi, err := net.InterfaceByName(name)
		if err != nil {
			return &bindError{err: errNoSuchInterface}
		}
		var opErr error
		if err := c.Control(func(fd uintptr) {
			if strings.HasSuffix(network, "6") {
				opErr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_BOUND_IF, ifi.Index)
			} else {
				opErr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_BOUND_IF, ifi.Index)
			}
		}); err != nil {
			return &bindError{err: err}
		}
		if opErr != nil {
			return &bindError{err: opErr}
		}
		return nil
	}
}
