package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// TestMonitorReloadKeepsHistoryOfCellsThatStay replaces the plan of a running monitor: cells
// that stay continue their history, new ones start from nothing, removed ones are gone from
// results and history, and the new settings take effect.
func TestMonitorReloadKeepsHistoryOfCellsThatStay(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(time.Millisecond)
	fp.behaviour["b:443"] = works(time.Millisecond)
	fp.behaviour["c:443"] = works(time.Millisecond)
	direct := func(name string) checks.RouteSpec { return checks.RouteSpec{Name: name, Kind: checks.RouteDirect} }
	plan := checks.Plan{
		Settings: checks.Settings{Interval: time.Hour},
		Routes:   []checks.RouteSpec{direct("r1"), direct("r2")},
		Services: []checks.Service{service("wa", chat("a:443")), service("tg", chat("b:443"))},
	}
	s, m := startWithProbe(t, plan, fp.probe)
	sweep := func() (results map[string]checks.CheckResult, changed *checks.Plan) {
		results = map[string]checks.CheckResult{}
		for {
			select {
			case e := <-m.Events():
				switch e.Kind {
				case checks.EventPlanChanged:
					changed = e.Plan
				case checks.EventCheckDone:
					results[e.Check.Route+"/"+e.Check.Service] = e.Check
				case checks.EventSweepFinished:
					return results, changed
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no sweep within 10s")
			}
		}
	}
	sweep()
	m.Recheck()
	before, _ := sweep()
	if n := before["r1/wa"].History.Samples; n != 2 {
		t.Fatalf("r1/wa has %d samples after two sweeps", n)
	}

	// r2 goes, r3 arrives; tg goes, sig arrives; the interval shrinks.
	next := checks.Plan{
		Settings: checks.Settings{Interval: 50 * time.Millisecond},
		Routes:   []checks.RouteSpec{direct("r1"), direct("r3")},
		Services: []checks.Service{service("wa", chat("a:443")), service("sig", chat("c:443"))},
	}
	if err := m.Reload(next); err != nil {
		t.Fatal(err)
	}
	after, changed := sweep()
	if changed == nil || len(changed.Routes) != 2 || changed.Routes[1].Name != "r3" {
		t.Fatalf("no EventPlanChanged with the new plan before the next sweep: %+v", changed)
	}
	if n := after["r1/wa"].History.Samples; n != 3 {
		t.Errorf("r1/wa has %d samples after a reload and a third sweep, want 3 (history kept)", n)
	}
	if n := after["r3/sig"].History.Samples; n != 1 {
		t.Errorf("new cell r3/sig has %d samples, want 1", n)
	}
	for key := range after {
		if strings.HasPrefix(key, "r2/") || strings.HasSuffix(key, "/tg") {
			t.Errorf("removed cell %s still checked", key)
		}
	}
	if len(after) != 4 {
		t.Errorf("sweep after reload checked %d cells, want 4: %v", len(after), after)
	}
	if st := s.History().Stats("r2", "wa"); st.Samples != 0 {
		t.Errorf("history of removed route r2 kept %d samples", st.Samples)
	}
	if s.Plan().Settings.Interval != 50*time.Millisecond {
		t.Errorf("interval after reload = %s", s.Plan().Settings.Interval)
	}
	// The shorter interval drives the periodic sweeps from now on (an hour before).
	sweep()
}

func TestMonitorReloadRefusesABadPlanAndKeepsTheOld(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(time.Millisecond)
	plan := checks.Plan{
		Settings: checks.Settings{Interval: time.Hour},
		Routes:   []checks.RouteSpec{{Name: "r1", Kind: checks.RouteDirect}},
		Services: []checks.Service{service("wa", chat("a:443"))},
	}
	s, m := startWithProbe(t, plan, fp.probe)
	bad := plan
	bad.Routes = []checks.RouteSpec{{Name: "r1", Kind: checks.RouteDirect}, {Name: "r1", Kind: checks.RouteDirect}}
	if err := m.Reload(bad); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate route accepted: %v", err)
	}
	bad.Routes = []checks.RouteSpec{{Name: "x", Kind: "carrier-pigeon"}}
	if err := m.Reload(bad); err == nil {
		t.Error("unknown route kind accepted")
	}
	if got := s.Plan().Routes; len(got) != 1 || got[0].Name != "r1" {
		t.Errorf("plan after refused reloads = %+v", got)
	}
	for e := range m.Events() {
		if e.Kind == checks.EventPlanChanged {
			t.Fatal("a refused plan was announced")
		}
		if e.Kind == checks.EventSweepFinished {
			break
		}
	}
}

func TestHistoryRetainForgetsRemovedCellsAndShrinks(t *testing.T) {
	h := checks.NewHistory(5)
	for range 4 {
		h.Add(checks.CheckResult{Route: "a", Service: "x", Verdict: checks.VerdictOK, Latency: time.Millisecond})
		h.Add(checks.CheckResult{Route: "b", Service: "x", Verdict: checks.VerdictOK})
	}
	h.Retain(map[checks.Cell]bool{{Route: "a", Service: "x"}: true}, 2)
	if n := h.Stats("a", "x").Samples; n != 2 {
		t.Errorf("a/x keeps %d samples, want the newest 2", n)
	}
	if n := h.Stats("b", "x").Samples; n != 0 {
		t.Errorf("removed b/x keeps %d samples", n)
	}
	if st := h.Add(checks.CheckResult{Route: "a", Service: "x", Verdict: checks.VerdictBlocked}); st.Samples != 2 || st.Uptime != 0.5 {
		t.Errorf("after a new result: %+v", st)
	}
}

// startWithProbe starts a monitor of plan whose probes are probe; it stops when t ends.
func startWithProbe(t *testing.T, plan checks.Plan, probe ProbeFunc) (*Scheduler, *Monitor) {
	t.Helper()
	s, err := NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	s.probe = probe
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return s, s.Start(ctx)
}
