// Package netbench measures lifeline against curl on a delayed loopback test bed: a TLS server
// for four services, a SOCKS5 and an HTTP CONNECT proxy, each behind a userspace relay that
// holds every byte back by a fixed delay in each direction (no netem needed). The relay's own
// round trip is measured in the same run and is the floor every reported time is compared
// with. It holds no tests, only BenchmarkNetwork, which scripts/bench.sh runs by hand; its
// figures are in README (Performance).
package netbench
