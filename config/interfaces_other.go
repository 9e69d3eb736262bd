//go:build !windows

package config

// systemInterfaces lists this machine's devices. Their names say what they are (wg0, tun0,
// utun3, ppp0), which is all vpnLike needs.
func systemInterfaces() ([]Interface, error) { return netInterfaces() }
