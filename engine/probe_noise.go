package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/wanoise"
)

// probeNoise tests a WhatsApp chat server (e*.whatsapp.net on 443 or 5222), which speaks
// WhatsApp's own Noise protocol, not TLS. On direct and interface routes a TCP connect counts,
// as in OONI's whatsapp test: the connection is the server's. Through a proxy a connect proves
// only that the proxy answered (a tunnel client grants CONNECT before reaching anything), so
// the probe sends the WA prologue and a Noise hello, and only a server hello computed for our
// ephemeral key counts. The hello opens with the phone apps' prologue (WA 5.2), as they
// speak to these servers over raw TCP.
func probeNoise(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) (res checks.TargetResult) {
	res.Target = t
	defer timeTotal(&res)()

	conn, trace, done := converse(ctx, r, t.Addr, opt, &res)
	if conn == nil {
		return res
	}
	defer done()
	res.Peer = checks.Sanitize(trace.Remote)
	if kind := r.Spec().Kind; kind == checks.RouteDirect || kind == checks.RouteInterface {
		res.OK = true
		res.Proof = "TCP connect to " + checks.Sanitize(t.Addr)
		return res
	}
	hello, err := wanoise.NewHello(rand.Reader, wanoise.MobileHeader)
	if err != nil {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpWrite, err.Error())
		return res
	}
	sent := time.Now()
	if _, err := conn.Write(hello.Bytes()); err != nil {
		res.Err = checks.Classify(checks.OpWrite, err)
		return res
	}
	_, err = hello.Read(conn)
	res.Phases.FirstByte = time.Since(sent) // request sent → first byte, a duration of its own
	switch {
	case errors.Is(err, wanoise.ErrNotNoise):
		res.Err = checks.NewError(checks.FailNotService, checks.OpRead, "not WhatsApp: "+err.Error())
		return res
	case err != nil:
		res.Err = checks.Classify(checks.OpRead, err)
		return res
	}
	res.OK = true
	res.Proof = "WhatsApp Noise server hello from " + checks.Sanitize(t.Addr)
	return res
}
