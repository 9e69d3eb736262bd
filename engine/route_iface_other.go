//go:build !linux && !darwin && !windows

package engine

import (
	"errors"
	"runtime"
	"syscall"
)

// bindUnsupported says why interface routes cannot work on this system, and what to do: the
// route is down with this reason rather than its services blocked.
const bindUnsupported = "this system (" + runtime.GOOS + ") cannot send a socket out of a chosen interface; " +
	"interface routes work on Linux, macOS and Windows: route through the VPN's SOCKS5 or HTTP proxy instead"

var errBindUnsupported = errors.New(bindUnsupported)

// permissionHint adds to a refused bind what would allow it.
const permissionHint = ""

// bindControl refuses every socket: without binding, traffic would silently take the
// default route and the result would describe the wrong path.
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		return &bindError{err: errBindUnsupported}
	}
}
