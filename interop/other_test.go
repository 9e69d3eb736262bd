//go:build !linux

package interop

import (
	"runtime"
	"testing"
)

// The suite needs network namespaces, SO_BINDTODEVICE and the Debian peers: Linux only.
func TestInteropNeedsLinux(t *testing.T) {
	t.Skipf("interop suite runs only on Linux; this is %s", runtime.GOOS)
}
