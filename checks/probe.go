package checks

import (
	"context"
	"time"
)

// ProbeOptions bound one probe.
type ProbeOptions struct {
	// StepTimeout bounds each network step (dial, handshake, first byte, body read); the
	// context bounds the whole probe.
	StepTimeout time.Duration
	// BodyLimit bounds how many bytes of an HTTP body are read.
	BodyLimit int64
	// TransferBytes is how much a transfer probe moves over its one connection.
	TransferBytes int64
	// CPU paces TLS handshakes so they do not queue for the CPU inside their measured time;
	// nil starts every handshake at once.
	CPU *CPUGate
}

// DefaultProbeOptions are used where a caller gives none.
var DefaultProbeOptions = ProbeOptions{StepTimeout: 5 * time.Second, BodyLimit: 64 << 10, TransferBytes: DefaultTransferBytes}

// ProbeFunc tests one target through one route.
type ProbeFunc func(ctx context.Context, r Route, t Target, opt ProbeOptions) TargetResult

var probes = map[string]ProbeFunc{
	KindTCP:      probeTCP,
	KindTLS:      probeTLS,
	KindHTTPS:    probeHTTPS,
	KindHTTPPost: probeHTTPPost,
}

// Probe tests t through r and returns what it found; it never takes longer than ctx allows.
func Probe(ctx context.Context, r Route, t Target, opt ProbeOptions) TargetResult {
	if opt.StepTimeout <= 0 {
		opt.StepTimeout = DefaultProbeOptions.StepTimeout
	}
	if opt.BodyLimit <= 0 {
		opt.BodyLimit = DefaultProbeOptions.BodyLimit
	}
	p, ok := probes[t.Kind]
	if !ok {
		return TargetResult{Target: t, Err: NewError(FailUnknown, OpUnknown, "unknown probe kind "+t.Kind)}
	}
	res := p(ctx, r, t, opt)
	// Only a failure pays for the contrast: a healthy target costs one connection.
	if res.handshakeAddr != "" && wantsContrast(res.Err) {
		res.Contrast = runContrast(ctx, r, res.handshakeAddr, opt)
	}
	return res
}
