package checks

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/lifeline-app/lifeline/internal/wanoise"
)

// probeNoise tests a WhatsApp chat server (e*.whatsapp.net on 443 or 5222), which speaks
// WhatsApp's own Noise protocol, not TLS. On direct and interface routes a TCP connect counts,
// as in OONI's whatsapp test: the connection is the server's. Through a proxy a connect proves
// only that the proxy answered (a tunnel client grants CONNECT before reaching anything), so
// the probe sends the WA prologue and a Noise hello, and only a server hello computed for our
// ephemeral key counts.
func probeNoise(ctx context.Context, r Route, t Target, opt ProbeOptions) (res TargetResult) {
	res.Target = t
	start := time.Now()
	defer func() { res.Phases.Total = time.Since(start) }()

	conn, trace, done := converse(ctx, r, t.Addr, opt, &res)
	if conn == nil {
		return res
	}
	defer done()
	res.Peer = Sanitize(trace.Remote)
	if kind := r.Spec().Kind; kind == RouteDirect || kind == RouteInterface {
		res.OK = true
		res.Proof = "TCP connect to " + Sanitize(t.Addr)
		return res
	}
	hello, err := wanoise.NewHello(rand.Reader)
	if err != nil {
		res.Err = NewError(FailUnknown, OpWrite, err.Error())
		return res
	}
	sent := time.Now()
	if _, err := conn.Write(hello.Bytes()); err != nil {
		res.Err = Classify(OpWrite, err)
		return res
	}
	_, err = hello.Read(conn)
	res.Phases.FirstByte = res.Phases.Ready() + time.Since(sent)
	switch {
	case errors.Is(err, wanoise.ErrNotNoise):
		res.Err = NewError(FailNotService, OpRead, "not WhatsApp: "+err.Error())
		return res
	case err != nil:
		res.Err = Classify(OpRead, err)
		return res
	}
	res.OK = true
	res.Proof = "WhatsApp Noise server hello from " + Sanitize(t.Addr)
	return res
}
