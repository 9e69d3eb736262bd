package engine

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// probeTLS counts a target as working when a TLS handshake through the route completes and
// the certificate verifies for the server name: a middlebox certificate is a failure.
func probeTLS(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) (res checks.TargetResult) {
	res.Target = t
	defer timeTotal(&res)()

	conn, trace, err := dialRecorded(ctx, r, t.Addr, opt, &res)
	if err != nil {
		return res
	}
	defer conn.Close()

	serverName := t.SNI
	if serverName == "" {
		serverName = t.Host()
	}
	tlsConn, took, hsErr := handshakeStep(ctx, conn, tlsConfig(r, t, serverName), opt)
	res.Phases.TLS = took
	if hsErr != nil {
		res.Err = hsErr
		res.HandshakeAddr = contrastAddr(r, t.Addr, trace)
		return res
	}
	res.OK = true
	res.Peer = peerName(tlsConn.ConnectionState(), trace.Remote)
	res.Proof = "TLS handshake with a verified certificate for " + checks.Sanitize(serverName)
	return res
}

// handshakeStep runs a TLS client handshake over conn within one step deadline and returns
// the connection and the handshake time. Failures are named with OpTLSHandshake.
// It first waits for its turn at opt.CPU, so the clock and the step deadline start when the
// machine has a core for it.
func handshakeStep(ctx context.Context, conn net.Conn, cfg *tls.Config, opt ProbeOptions) (*tls.Conn, time.Duration, *checks.Error) {
	if err := opt.CPU.Enter(ctx); err != nil {
		return nil, 0, checks.Classify(checks.OpTLSHandshake, err)
	}
	stepCtx, cancel := context.WithTimeout(ctx, opt.StepTimeout)
	defer cancel()
	// The deadline also bounds reads that ignore the context on some platforms.
	if deadline, ok := stepCtx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	watched := &cpuStretchConn{Conn: conn, watching: true}
	tlsConn := tls.Client(watched, cfg)
	start := time.Now()
	err := tlsConn.HandshakeContext(stepCtx)
	end := time.Now()
	took := end.Sub(start)
	cpu := watched.cpuTime(start, end)
	conn.SetDeadline(time.Time{})
	if err != nil {
		return nil, took, checks.Classify(checks.OpTLSHandshake, err)
	}
	opt.CPU.observe(cpu)
	return tlsConn, took, nil
}

// tlsConfig verifies against the target's trust store plus any anchors the route adds.
func tlsConfig(r Route, t checks.Target, serverName string) *tls.Config {
	return &tls.Config{
		ServerName: serverName,
		RootCAs:    t.RootCAs, // the scheduler has added the route's own anchors
		MinVersion: tls.VersionTLS12,
		// A ClientHello the size mobile clients send: Go's default post-quantum key share
		// pushes it past one TCP segment, and a DPI box that cannot reassemble it misses the
		// SNI, so a blocked name would look reachable.
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
	}
}

// peerName is the sanitized subject CN of the leaf certificate (remote text), or the remote
// address when the certificate names no one.
func peerName(state tls.ConnectionState, remote string) string {
	if len(state.PeerCertificates) > 0 {
		leaf := state.PeerCertificates[0]
		if cn := checks.Sanitize(leaf.Subject.CommonName); cn != "" {
			return cn
		}
		if len(leaf.DNSNames) > 0 {
			return checks.Sanitize(leaf.DNSNames[0])
		}
	}
	return checks.Sanitize(remote)
}
