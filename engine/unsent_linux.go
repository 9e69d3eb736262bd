package engine

import (
	"net"

	"golang.org/x/sys/unix"
)

// unsent is how many bytes written to conn the peer has not yet acknowledged (SIOCOUTQ), or
// -1 when conn is not a TCP socket of this host (a proxy's stream, a wrapper). An upload's
// progress is what was written minus this: writes return once the kernel buffers the data,
// long before it crosses a frozen path.
func unsent(conn net.Conn) int64 {
	tcp, ok := conn.(*net.TCPConn)
	if !ok {
		return -1
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return -1
	}
	n := int64(-1)
	raw.Control(func(fd uintptr) {
		if v, err := unix.IoctlGetInt(int(fd), unix.SIOCOUTQ); err == nil {
			n = int64(v)
		}
	})
	return n
}
