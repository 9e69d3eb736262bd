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
	var trace DialTrace
	conn, err := dialStep(ctx, r, t.Addr, &trace, opt)
	res.Phases.DNS, res.Phases.Connect = trace.DNS, trace.Connect
	res.Phases.Total = time.Since(start)
	if err != nil {
		res.Err = checks.Classify(checks.OpConnect, err)
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

// dialStep dials through the route within one step deadline.
func dialStep(ctx context.Context, r Route, addr string, trace *DialTrace, opt ProbeOptions) (net.Conn, error) {
	stepCtx, cancel := context.WithTimeout(ctx, opt.StepTimeout)
	defer cancel()
	return r.Dial(stepCtx, addr, trace)
}
