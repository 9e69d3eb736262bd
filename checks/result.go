package checks

import (
	"fmt"
	"time"
)

// Phases are the durations a probe reached, each one a duration of its own (never a time
// since the start); a zero phase was not reached or does not apply. Total runs from the start
// to the end and also holds what no phase names (a redirect's wait, reading a proxy's reply).
type Phases struct {
	DNS       time.Duration
	Connect   time.Duration // TCP connect, and through a proxy its handshake and CONNECT
	TLS       time.Duration
	FirstByte time.Duration // from sending the request (the connection ready) to the answer's first byte
	Body      time.Duration // from the first byte to the end of the body read
	Total     time.Duration
}

// Other is the part of Total no phase names.
func (p Phases) Other() time.Duration {
	return max(0, p.Total-p.DNS-p.Connect-p.TLS-p.FirstByte-p.Body)
}

// Ready is the time until the connection could carry application data: DNS, connect and TLS.
func (p Phases) Ready() time.Duration { return p.DNS + p.Connect + p.TLS }

// TargetResult is what one probe of one target found.
type TargetResult struct {
	Target Target
	OK     bool
	Phases Phases
	// Err names the failure; nil when OK.
	Err *Error
	// Status is the HTTP status, when the probe got one.
	Status int
	// Peer is a sanitized note of whom we talked to (certificate subject, remote address).
	Peer string
	// Proof says what a working target proved, e.g. "MTProto resPQ from 149.154.167.51:443";
	// "" when the target failed.
	Proof string
	// NotApplicable says why the target does not apply to this route (e.g. an IPv6 address
	// on a route without IPv6); such a result does not count in the verdict.
	NotApplicable string
	// Rotated is set on a rotating target's last result shown in a sweep that did not probe
	// it; it does not count in that sweep's verdict.
	Rotated *Rotated
	// UDP is what a STUN (calls) probe measured; nil for other probes or when none answered.
	UDP *UDPStats
	// Contrast is the retry with an innocuous server name after the handshake failed at the
	// ClientHello; nil when none ran.
	Contrast *SNIContrast
	// HandshakeAddr is where a TLS handshake went, set by the engine for the SNI contrast it
	// may run after a failed handshake; it is not part of the wire format.
	HandshakeAddr string
	// Transfer is what a transfer (media) probe measured; nil for other probes.
	Transfer *TransferStats
}

// Rotated says when a carried-over result was measured.
type Rotated struct {
	Sweep uint64        // the sweep that measured it
	Age   time.Duration // how long before this sweep
}

// Summary says when the result was measured, e.g. "from sweep 12, 3m ago".
func (r Rotated) Summary() string {
	return fmt.Sprintf("from sweep %d, %s ago", r.Sweep, shortAge(r.Age))
}

// Counts reports whether the result counts in this sweep's verdict: it was measured now and
// the target applies to the route.
func (r TargetResult) Counts() bool { return r.Rotated == nil && r.NotApplicable == "" }

// CheckResult is one route × service, run once.
type CheckResult struct {
	Route   string
	Service string
	Sweep   uint64
	Verdict Verdict
	Latency time.Duration // TLS-ready time of the fastest working chat target; 0 if none
	Reason  string        // one line, plain words, sanitized
	Cause   *Error        // the failure Reason names; nil when the service works
	Targets []TargetResult
	// DNS holds the direct route's lookups compared through another route, when a failing
	// check on the direct route made lifeline look for DNS tampering.
	DNS []DNSAnswers
	// Skipped says which probes this check left out and why, e.g. "transfer off (metered)".
	Skipped  string
	Started  time.Time
	Finished time.Time
	History  Stats
}

// RouteResult is the route's own check: its mechanism and its control target.
type RouteResult struct {
	Name  string
	Kind  string
	Sweep uint64
	OK    bool
	// State is up, down, offline or allowlist; empty means up or down as OK says (StateOf).
	State   RouteState
	Reason  string
	Err     *Error
	Control *TargetResult // nil when the route has no control target
	// Domestic are the domestic references checked on the direct route when its control
	// failed, to tell an allowlist from censorship; nil when none ran.
	Domestic []TargetResult
	// Egress is where the route exits to the internet and what is suspicious about it; nil
	// when egress checks are off or not yet run.
	Egress  *Egress
	Checked time.Time
}

// EventKind says what an Event carries.
type EventKind int

const (
	EventSweepStarted EventKind = iota
	EventRouteChecked
	EventCheckDone
	EventSweepFinished
	// EventPlanChanged says a reload replaced the plan (in Plan) between sweeps: results of
	// routes and services no longer in it will not come again.
	EventPlanChanged
)

// Event is one step of a sweep, streamed to whoever displays it.
type Event struct {
	Kind  EventKind
	Sweep uint64
	At    time.Time
	// Routes lists the routes a starting sweep covers.
	Routes []string
	Route  RouteResult // EventRouteChecked
	Check  CheckResult // EventCheckDone
	// Next is when the next periodic sweep is due (EventSweepFinished); zero when paused.
	Next time.Time
	Plan *Plan // EventPlanChanged: the plan now running, defaults filled in
}
