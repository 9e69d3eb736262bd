package engine

import (
	"context"
	"net"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// directRoute uses the host's default routing and the system resolver.
type directRoute struct {
	spec     checks.RouteSpec
	resolver *net.Resolver
	dialer   net.Dialer
}

func newDirect(spec checks.RouteSpec) *directRoute {
	return &directRoute{spec: spec, resolver: net.DefaultResolver}
}

func (d *directRoute) Spec() checks.RouteSpec { return d.spec }

// Check has nothing of its own to test: the direct route is the host's network itself.
func (d *directRoute) Check(ctx context.Context) *checks.Error { return nil }

func (d *directRoute) Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error) {
	return dialResolved(ctx, d.resolver, &d.dialer, addr, trace)
}

// dialResolved resolves addr's host with resolver (timed as the dns phase), then connects to
// the addresses in turn (timed as the connect phase).
func dialResolved(ctx context.Context, resolver *net.Resolver, dialer *net.Dialer, addr string, trace *DialTrace) (net.Conn, error) {
	if trace == nil {
		trace = &DialTrace{}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpResolve, Detail: checks.Sanitize(err.Error()), Err: err}
	}
	ips := []string{host}
	if net.ParseIP(host) == nil {
		start := time.Now()
		ips, err = resolver.LookupHost(ctx, host)
		trace.DNS = time.Since(start)
		if err != nil {
			return nil, checks.Classify(checks.OpResolve, err)
		}
		if len(ips) == 0 {
			return nil, checks.NewError(checks.FailDNSNoAnswer, checks.OpResolve, "")
		}
	}
	start := time.Now()
	var lastErr error
	for _, ip := range ips {
		conn, err := dialer.DialContext(ctx, "tcp", net.JoinHostPort(ip, port))
		if err == nil {
			trace.Connect = time.Since(start)
			trace.Remote = conn.RemoteAddr().String()
			return conn, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	trace.Connect = time.Since(start)
	return nil, checks.Classify(checks.OpConnect, lastErr)
}

// DialUDP on the direct route resolves with the system resolver and sends from an ordinary
// socket.
func (d *directRoute) DialUDP(ctx context.Context, addr string) (net.Conn, error) {
	return dialUDPResolved(ctx, d.resolver, &d.dialer, addr)
}
