package engine

import (
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// TestRunningOutOfDescriptorsNeverReadsAsADownRoute: lifeline's own failure (its route check,
// its control or its probes meeting "too many open files") leaves the route's state as it was
// and the services unknown, never route-down or blocked, and adds nothing to their history.
func TestRunningOutOfDescriptorsNeverReadsAsADownRoute(t *testing.T) {
	internal := checks.NewError(checks.FailInternal, checks.OpConnect, "too many open files")
	fp := newFakeProbe()
	fp.behaviour["control:443"] = works(time.Millisecond)
	fp.behaviour["wa:443"] = works(time.Millisecond)
	fp.behaviour["ctrl-out|control:443"] = fails(checks.FailInternal, checks.OpConnect)
	fp.behaviour["ctrl-out|wa:443"] = fails(checks.FailConnectionReset, checks.OpTLSHandshake)
	fp.behaviour["probes-out|control:443"] = fails(checks.FailConnectionRefused, checks.OpConnect)
	fp.behaviour["probes-out|wa:443"] = fails(checks.FailInternal, checks.OpConnect)
	control := &checks.Target{Role: checks.RoleControl, Kind: checks.KindTLS, Addr: "control:443"}
	plan := checks.Plan{Services: []checks.Service{service("wa", chat("wa:443"))}}
	route := func(name string, err *checks.Error) Route {
		return fakeRoute{spec: checks.RouteSpec{Name: name, Kind: checks.RouteSOCKS5, Control: control}, checkErr: err}
	}
	s, _ := newScheduler(plan, []Route{route("check-out", nil), route("ctrl-out", nil), route("probes-out", nil)}, fp.probe)
	first := checksOf(collect(t, s))
	for _, key := range []string{"check-out/wa", "ctrl-out/wa", "probes-out/wa"} {
		if first[key].Verdict == checks.VerdictRouteDown {
			t.Fatalf("setup: %s is %s", key, first[key].Verdict)
		}
	}

	// The same plan, its route check now out of descriptors.
	s.routes[0] = route("check-out", internal)
	events := collect(t, s)
	rr, cr := routesOf(events), checksOf(events)
	for _, name := range []string{"check-out", "ctrl-out", "probes-out"} {
		if r, ok := rr[name]; ok && !r.OK {
			t.Errorf("route %s reported down: %q", name, r.Reason)
		}
	}
	want := map[string]checks.Verdict{
		"check-out/wa":  checks.VerdictPending, // its own check failed internally
		"ctrl-out/wa":   checks.VerdictBlocked, // its own reset, but the route is not called down
		"probes-out/wa": checks.VerdictPending, // the probe failed internally
	}
	for key, v := range want {
		c := cr[key]
		if c.Verdict != v {
			t.Errorf("%s = %s (%s), want %s", key, c.Verdict, c.Reason, v)
		}
		if v == checks.VerdictPending && (!c.Cause.Internal() || c.History.Samples != first[key].History.Samples) {
			t.Errorf("%s: cause %v, %d samples (before %d): an internal failure is neither named nor kept out of the history",
				key, c.Cause, c.History.Samples, first[key].History.Samples)
		}
	}
	if got := checks.Summarize([]checks.CheckResult{cr["check-out/wa"], cr["probes-out/wa"]}).ExitCode(); got != checks.ExitUnknown {
		t.Errorf("exit code %d, want unknown", got)
	}
}
