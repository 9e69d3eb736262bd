package checks

import (
	"context"
	"net"
	"time"
)

// probeTCP counts a target as working when a TCP connection opens through the route.
func probeTCP(ctx context.Context, r Route, t Target, opt ProbeOptions) TargetResult {
	res := TargetResult{Target: t}
	start := time.Now()
	var trace DialTrace
	conn, err := dialStep(ctx, r, t.Addr, &trace, opt)
	res.Phases.DNS, res.Phases.Connect = trace.DNS, trace.Connect
	res.Phases.Total = time.Since(start)
	if err != nil {
		res.Err = Classify(OpConnect, err)
		return res
	}
	conn.Close()
	res.OK = true
	res.Peer = Sanitize(trace.Remote)
	res.Proof = "TCP connect to " + Sanitize(t.Addr)
	if k := r.Spec().Kind; k == RouteSOCKS5 || k == RouteHTTP {
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
