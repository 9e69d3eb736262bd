package store

import (
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Row is one stored result of a route × service.
type Row struct {
	At         time.Time
	Route      string
	Service    string
	Verdict    checks.Verdict
	Latency    time.Duration // 0 unless the service worked
	Reason     string
	Failure    string // OONI failure string of the cause, "" when it worked
	Operation  string
	RouteState checks.RouteState // the route's own check in the same sweep; "" when unknown
	Phases     checks.Phases     // of the target the verdict rests on
	Transfer   *checks.TransferStats
	UDP        *checks.UDPStats
}

// RowOf is what the store keeps of a result; route is the route's state in that sweep.
func RowOf(c checks.CheckResult, route checks.RouteState) Row {
	r := Row{
		At: c.Finished, Route: c.Route, Service: c.Service, Verdict: c.Verdict,
		Reason: c.Reason, RouteState: route,
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	if c.Verdict.Works() {
		r.Latency = c.Latency
	}
	if c.Cause != nil {
		r.Failure, r.Operation = c.Cause.Failure, c.Cause.Operation
	}
	if t := keyTarget(c); t != nil {
		r.Phases = t.Phases
	}
	for _, t := range c.Targets {
		if t.Transfer != nil && r.Transfer == nil && !t.Transfer.CarriedOver {
			tr := *t.Transfer
			r.Transfer = &tr
		}
		if t.UDP != nil && r.UDP == nil {
			u := *t.UDP
			r.UDP = &u
		}
	}
	return r
}

// keyTarget is the target the verdict rests on: the one that failed with the cause, else the
// working one whose ready time is the latency, else the first.
func keyTarget(c checks.CheckResult) *checks.TargetResult {
	for i, t := range c.Targets {
		if c.Cause != nil && t.Err == c.Cause {
			return &c.Targets[i]
		}
	}
	for i, t := range c.Targets {
		if t.OK && c.Latency > 0 && t.Phases.Ready() == c.Latency {
			return &c.Targets[i]
		}
	}
	if len(c.Targets) > 0 {
		return &c.Targets[0]
	}
	return nil
}

// Result is the row as a check result, as much of it as the history needs: enough to seed
// checks.History and the alert state machine.
func (r Row) Result() checks.CheckResult {
	c := checks.CheckResult{
		Route: r.Route, Service: r.Service, Verdict: r.Verdict, Latency: r.Latency,
		Reason: r.Reason, Started: r.At, Finished: r.At,
	}
	if r.Failure != "" {
		c.Cause = checks.NewError(r.Failure, r.Operation, "")
	}
	return c
}

// Cell names the row's route × service.
func (r Row) Cell() checks.Cell { return checks.Cell{Route: r.Route, Service: r.Service} }
