//go:build !linux && !darwin

package engine

import (
	"errors"
	"runtime"
	"syscall"
)

// errBindUnsupported says why interface routes cannot work on this system.
var errBindUnsupported = errors.New("binding a socket to an interface is not supported on " + runtime.GOOS)

// bindControl refuses every socket: without binding, traffic would silently take the
// default route and the result would describe the wrong path.
func bindControl(name string) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		return &bindError{err: errBindUnsupported}
	}
}
