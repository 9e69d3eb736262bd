package engine

import (
	"math/bits"
	"syscall"

	"golang.org/x/sys/windows"
)

// Socket options from ws2ipdef.h that x/sys/windows does not name: send unicast traffic out
// of the interface with this index, whatever the routing table says.
const (
	ipUnicastIF   = 31 // IP_UNICAST_IF, IPPROTO_IP: the index in network byte order
	ipv6UnicastIF = 31 // IPV6_UNICAST_IF, IPPROTO_IPV6: the index in host byte order
)

// permissionHint adds to a refused bind what would allow it.
const permissionHint = ""

// bindControl makes each socket send through the device with IP_UNICAST_IF or
// IPV6_UNICAST_IF. The name is the adapter's name as Windows shows it (e.g. "wg0", "Tailscale",
// "OpenVPN Wintun"); bindByIndex looks its index up per dial.
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return bindByIndex(name, func(fd uintptr, ipv6 bool, index int) error {
		h := windows.Handle(fd)
		if ipv6 {
			return windows.SetsockoptInt(h, windows.IPPROTO_IPV6, ipv6UnicastIF, index)
		}
		return windows.SetsockoptInt(h, windows.IPPROTO_IP, ipUnicastIF, unicastIFv4(index))
	})
}

// unicastIFv4 is the value IP_UNICAST_IF takes: the index in network byte order, as the
// int32 SetsockoptInt writes in host (little-endian) order.
func unicastIFv4(index int) int {
	return int(int32(bits.ReverseBytes32(uint32(index))))
}
