package engine

import (
	"context"
	"fmt"
	"net"

	"github.com/lifeline-app/lifeline/checks"
)

// proxyRoute is what the SOCKS5 and HTTP CONNECT routes share: the route as configured, the
// proxy's address and the way a check reaches the proxy.
type proxyRoute struct {
	spec  checks.RouteSpec
	proxy string // host:port of the proxy
}

// newProxyRoute is the route of spec, whose proxy (of the scheme named, for errors) listens
// on def when its URL names no port.
func newProxyRoute(spec checks.RouteSpec, scheme, def string) (proxyRoute, error) {
	if spec.Proxy == nil || spec.Proxy.Host == "" {
		return proxyRoute{}, fmt.Errorf("route %q: %s needs a proxy address", spec.Name, scheme)
	}
	port := spec.Proxy.Port()
	if port == "" {
		port = def
	}
	return proxyRoute{spec: spec, proxy: net.JoinHostPort(spec.Proxy.Hostname(), port)}, nil
}

func (p proxyRoute) Spec() checks.RouteSpec { return p.spec }

// check opens TCP to the proxy within the check's deadline (the default timeout when it has
// none) and, unless greet is nil, has greet talk to the proxy, bounded by that deadline;
// then it closes without asking for a tunnel.
func (p proxyRoute) check(ctx context.Context, greet func(net.Conn) *checks.Error) *checks.Error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	conn, err := dialProxy(ctx, p.proxy)
	if err != nil {
		return err
	}
	defer conn.Close()
	if greet == nil {
		return nil
	}
	stop := bindDeadline(ctx, conn)
	defer stop()
	return greet(conn)
}

// dialProxy opens TCP to a proxy, naming a failure at the connect step.
func dialProxy(ctx context.Context, proxy string) (net.Conn, *checks.Error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", proxy)
	if err != nil {
		return nil, checks.Classify(checks.OpConnect, err)
	}
	return conn, nil
}

// withDefaultTimeout gives ctx a deadline when it has none (the default check timeout), so a
// silent proxy can never hold a caller that set no deadline forever.
func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, checks.DefaultSettings.Timeout)
}
