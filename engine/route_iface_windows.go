package engine

import (
	"math/bits"
	"net"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// Socket options from ws2ipdef.h that x/sys/windows does not name: send unicast traffic out
// of the interface with this index, whatever the routing table says.
const (
	ipUnicastIF   = 31 // IP_UNICAST_IF, IPPROTO_IP: the index in network byte order
	ipv6UnicastIF = 31 // IPV6_UNICAST_IF, IPPROTO_IPV6: the index in host byte order
)

// bindUnsupported is empty: this system can send a socket out of a chosen interface.
const bindUnsupported = ""

// permissionHint adds to a refused bind what would allow it.
const permissionHint = ""

// bindControl makes each socket send through the device with IP_UNICAST_IF or
// IPV6_UNICAST_IF. The name is the adapter's name as Windows shows it (e.g. "wg0", "Tailscale",
// "OpenVPN Wintun"); the index is looked up per dial because adapters come and go with the VPN.
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		ifi, err := net.InterfaceByName(name)
		if err != nil {
			return &bindError{err: errNoSuchInterface}
		}
		var opErr error
		if err := c.Control(func(fd uintptr) {
			h := windows.Handle(fd)
			if strings.HasSuffix(network, "6") {
				opErr = windows.SetsockoptInt(h, windows.IPPROTO_IPV6, ipv6UnicastIF, ifi.Index)
			} else {
				opErr = windows.SetsockoptInt(h, windows.IPPROTO_IP, ipUnicastIF, unicastIFv4(ifi.Index))
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

// unicastIFv4 is the value IP_UNICAST_IF takes: the index in network byte order, as the
// int32 SetsockoptInt writes in host (little-endian) order.
func unicastIFv4(index int) int {
	return int(int32(bits.ReverseBytes32(uint32(index))))
}
