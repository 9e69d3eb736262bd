package engine

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// UDPRoute is a route that can carry UDP datagrams. It is optional: a Route that does not
// implement it cannot carry calls. The returned conn is connected to addr (host:port):
// each Write is one datagram to addr and each Read one datagram from it.
type UDPRoute interface {
	DialUDP(ctx context.Context, addr string) (net.Conn, error)
}

// DialUDP opens a UDP path to addr through r, or names why r cannot carry UDP.
func DialUDP(ctx context.Context, r Route, addr string) (net.Conn, error) {
	u, ok := r.(UDPRoute)
	if !ok {
		return nil, checks.NewError(checks.FailUDPUnsupported, checks.OpSTUN, r.Spec().Kind+" route cannot carry UDP")
	}
	return u.DialUDP(ctx, addr)
}

// dialUDPResolved resolves addr's host with resolver and connects a UDP socket to the first
// address. UDP "connect" sends nothing, so there is nothing to retry on other addresses.
func dialUDPResolved(ctx context.Context, resolver *net.Resolver, dialer *net.Dialer, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpResolve, Detail: checks.Sanitize(err.Error()), Err: err}
	}
	ip := host
	if net.ParseIP(host) == nil {
		ips, err := resolver.LookupHost(ctx, host)
		if err != nil {
			return nil, checks.Classify(checks.OpResolve, err)
		}
		if len(ips) == 0 {
			return nil, checks.NewError(checks.FailDNSNoAnswer, checks.OpResolve, "")
		}
		ip = ips[0]
	}
	conn, err := dialer.DialContext(ctx, "udp", net.JoinHostPort(ip, port))
	if err != nil {
		var bind *bindError
		if errors.As(err, &bind) {
			return nil, err
		}
		return nil, checks.Classify(checks.OpConnect, err)
	}
	return conn, nil
}

// udpDeadline is how long a UDP exchange may take when ctx has no deadline.
const udpDeadline = 10 * time.Second
