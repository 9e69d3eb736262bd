package engine

import (
	"context"
	"time"

	"github.com/lifeline-app/lifeline/checks"
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
	// KnownName is a server name known to pass (a domestic reference's), sent by the second
	// SNI contrast when an innocuous name fails too; "" skips that contrast.
	KnownName string
	// CPU paces TLS handshakes so they do not queue for the CPU inside their measured time;
	// nil starts every handshake at once.
	CPU *CPUGate
}

// DefaultProbeOptions are used where a caller gives none: the plan's defaults.
var DefaultProbeOptions = ProbeOptions{StepTimeout: checks.DefaultSettings.StepTimeout,
	BodyLimit: checks.DefaultSettings.BodyLimit, TransferBytes: checks.DefaultTransferBytes}

// ProbeFunc tests one target through one route.
type ProbeFunc func(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult

// probes is the registry of probe kinds: adding a kind is one entry here, its constant in
// checks/target.go and its own probe_<kind>.go.
var probes = map[string]ProbeFunc{
	checks.KindTCP:         probeTCP,
	checks.KindTLS:         probeTLS,
	checks.KindHTTPS:       probeHTTPS,
	checks.KindHTTPPost:    probeHTTPPost,
	checks.KindSTUN:        probeSTUN,
	checks.KindTransfer:    confirmStall(probeTransfer),
	checks.KindUpload:      confirmStall(probeUpload),
	checks.KindMTProto:     probeMTProto,
	checks.KindMTProtoHTTP: probeMTProtoHTTP,
	checks.KindNoise:       probeNoise,
	checks.KindWebSocket:   probeWebSocket,
}

// Probe tests t through r and returns what it found; it never takes longer than ctx allows.
func Probe(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	if opt.StepTimeout <= 0 {
		opt.StepTimeout = DefaultProbeOptions.StepTimeout
	}
	if opt.BodyLimit <= 0 {
		opt.BodyLimit = DefaultProbeOptions.BodyLimit
	}
	p, ok := probes[t.Kind]
	if !ok {
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpUnknown, "unknown probe kind "+t.Kind)}
	}
	res := p(ctx, r, t, opt)
	// Only a failure pays for the contrast: a healthy target costs one connection.
	if res.HandshakeAddr != "" && wantsContrast(res.Err) {
		res.Contrast = runContrast(ctx, r, res.HandshakeAddr, opt)
	}
	return res
}
