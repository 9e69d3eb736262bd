package checks

import (
	"time"
)

// Verdict is the state of one route × service.
type Verdict string

const (
	VerdictPending   Verdict = "pending"
	VerdictOK        Verdict = "ok"
	VerdictSlow      Verdict = "slow"
	VerdictPartial   Verdict = "partial"
	VerdictBlocked   Verdict = "blocked"
	VerdictRouteDown Verdict = "route-down"
)

// Severity orders verdicts from best to worst; pending sorts last as unknown.
func (v Verdict) Severity() int {
	switch v {
	case VerdictOK:
		return 0
	case VerdictSlow:
		return 1
	case VerdictPartial:
		return 2
	case VerdictBlocked:
		return 3
	case VerdictRouteDown:
		return 4
	}
	return 5
}

// Phases are the durations a probe reached; a zero phase was not reached or does not apply.
type Phases struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration
	Total     time.Duration
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
	Name    string
	Kind    string
	Sweep   uint64
	OK      bool
	Reason  string
	Err     *Error
	Control *TargetResult // nil when the route has no control target
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
