//go:build linux || darwin || windows

package engine

import (
	"net"
	"strings"
	"syscall"
)

// bindUnsupported is empty: this system can send a socket out of a chosen interface.
const bindUnsupported = ""

// bindWith is a dialer's Control function that applies set (a socket option naming the
// device) to each socket; what fails is a bindError.
func bindWith(set func(network string, fd uintptr) error) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		var opErr error
		if err := c.Control(func(fd uintptr) { opErr = set(network, fd) }); err != nil {
			return &bindError{err: err}
		}
		if opErr != nil {
			return &bindError{err: opErr}
		}
		return nil
	}
}

// bindByIndex is bindWith for systems that name the device by its index: the index is looked
// up per dial because VPN devices come and go, and set gets whether the socket is IPv6.
func bindByIndex(name string, set func(fd uintptr, ipv6 bool, index int) error) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		ifi, err := net.InterfaceByName(name)
		if err != nil {
			return &bindError{err: errNoSuchInterface}
		}
		return bindWith(func(network string, fd uintptr) error {
			return set(fd, strings.HasSuffix(network, "6"), ifi.Index)
		})(network, address, c)
	}
}
