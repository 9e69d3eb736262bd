package engine

import (
	"context"
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
