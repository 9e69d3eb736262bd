package engine

import (
	"context"
	"net"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// probeTCP counts a target as working when a TCP connection opens through the route.
func probeTCP(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	res := checks.TargetResult{Target: t}
	start := time.Now()
	conn, trace, err := dialRecorded(ctx, r, t.Addr, opt, &res)
	res.Phases.Total = time.Since(start)
	if err != nil {
		return res
	}
	conn.Close()
	res.OK = true
	res.Peer = checks.Sanitize(trace.Remote)
	res.Proof = "TCP connect to " + checks.Sanitize(t.Addr)
	if k := r.Spec().Kind; k == checks.RouteSOCKS5 || k == checks.RouteHTTP {
		res.Proof += " (through a proxy this proves only that the proxy granted it)"
	}
	return res
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
