package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// proofCheck is Telegram on the direct route: a DC that answered resPQ, an IPv6 DC that does
// not apply, and a rotating DC shown from an earlier sweep.
func proofCheck() checks.CheckResult {
	ok := checks.TargetResult{
		Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: "149.154.167.51:443"},
		OK:     true, Phases: checks.Phases{Connect: 40 * time.Millisecond, FirstByte: 80 * time.Millisecond},
		Proof: "MTProto resPQ from 149.154.167.51:443 (Telegram's production key)",
	}
	v6 := checks.TargetResult{
		Target:        checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: "[2001:67c:4e8:f002::a]:443"},
		Err:           checks.NewError(checks.FailNetworkUnreachable, checks.OpConnect, ""),
		NotApplicable: "no IPv6 on this route",
	}
	old := checks.TargetResult{
		Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProtoHTTP, Addr: "149.154.175.50:80"},
		OK:     true, Proof: "MTProto resPQ over HTTP from 149.154.175.50:80 (Telegram's production key)",
		Rotated: &checks.Rotated{Sweep: 3, Age: 90 * time.Second},
	}
	v, lat, reason, cause := checks.Judge(checks.Service{Name: "telegram"}, []checks.TargetResult{ok}, 0)
	return checks.CheckResult{Route: "direct", Service: "telegram", Verdict: v, Latency: lat, Reason: reason, Cause: cause,
		Targets: []checks.TargetResult{ok, v6, old}, Started: clock.Add(-2 * time.Second), Finished: clock.Add(-time.Second)}
}

func TestReportAndDetailSayWhatEachTargetProved(t *testing.T) {
	p := checks.Plan{Routes: []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: []checks.Service{{Name: "telegram", Title: "Telegram", Short: "TG"}}}
	wants := []string{
		"proved: MTProto resPQ from 149.154.167.51:443 (Telegram's production key)",
		"n/a: no IPv6 on this route (not counted)",
		"from sweep 3, 1m ago (rotating, probed in turn; not counted now)",
	}
	r := NewSweepReport(p)
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: proofCheck()})
	var verbose bytes.Buffer
	if err := r.WriteText(&verbose, ASCIIGlyphs, true); err != nil {
		t.Fatal(err)
	}
	m, _ := testModel(p, Options{}, 120, 30)
	m = feed(m, checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}},
		checks.Event{Kind: checks.EventCheckDone, Check: proofCheck()})
	m = press(m, "l", "enter")
	detail := strings.Join(m.detailLines(120), "\n")
	for _, want := range wants {
		if !strings.Contains(verbose.String(), want) {
			t.Errorf("-v report lacks %q:\n%s", want, verbose.String())
		}
		if !strings.Contains(detail, want) {
			t.Errorf("detail pane lacks %q:\n%s", want, detail)
		}
	}
	// JSON carries the same.
	js := proofCheck().JSON()
	if js.Targets[0].Proof == "" || js.Targets[1].NotApplicable == "" || js.Targets[2].FromSweep != 3 || js.Targets[2].AgeS == nil {
		t.Errorf("JSON targets %+v", js.Targets)
	}
}
