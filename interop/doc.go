// Package interop checks lifeline's routes against the real programs people run: microsocks,
// dante and ssh -D as SOCKS5 proxies, tinyproxy as an HTTP CONNECT proxy, and a VPN-like
// device (a veth pair into a fresh network namespace). Everything lives on loopback or in
// namespaces the tests create; nothing leaves the machine.
//
// The tests run only when LIFELINE_INTEROP=1 is set, as root on Linux; elsewhere they skip.
// See README.md.
package interop
