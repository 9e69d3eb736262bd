package engine

import (
	"context"
	"net"
	"net/url"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// The steps probes share: the clock, the dial, and bounding a connection by the probe.

// timeTotal starts a probe's clock; the function it returns, deferred, records the time
// since in res.Phases.Total.
func timeTotal(res *checks.TargetResult) (stop func()) {
	start := time.Now()
	return func() { res.Phases.Total = time.Since(start) }
}

// dialRecorded is dialStep for a probe: it records the dial phases in res and, when the dial
// fails, names the failure in res.Err.
func dialRecorded(ctx context.Context, r Route, addr string, opt ProbeOptions, res *checks.TargetResult) (net.Conn, DialTrace, error) {
	var trace DialTrace
	conn, err := dialStep(ctx, r, addr, &trace, opt)
	res.Phases.DNS, res.Phases.Connect = trace.DNS, trace.Connect
	if err != nil {
		res.Err = checks.Classify(checks.OpConnect, err)
	}
	return conn, trace, err
}

// closeOnCancel bounds a connection that carries a body both ways by the probe's context: the
// context's deadline becomes the connection's, and its end closes the connection, unblocking
// both directions. stop releases the context.
func closeOnCancel(ctx context.Context, conn net.Conn) (stop func() bool) {
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	return context.AfterFunc(ctx, func() { conn.Close() })
}

// dialStep dials through the route within one step deadline.
func dialStep(ctx context.Context, r Route, addr string, trace *DialTrace, opt ProbeOptions) (net.Conn, error) {
	stepCtx, cancel := context.WithTimeout(ctx, opt.StepTimeout)
	defer cancel()
	return r.Dial(stepCtx, addr, trace)
}

// tlsURL parses raw, which must be a scheme:// URL with a host, and returns it with the
// host:port to dial (port 443 unless the URL names one); ok is false for anything else.
func tlsURL(raw, scheme string) (u *url.URL, addr string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != scheme || u.Hostname() == "" {
		return nil, "", false
	}
	addr = u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "443")
	}
	return u, addr, true
}
