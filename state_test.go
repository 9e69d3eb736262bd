package main

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
)

// The store opens beside the first probes, so events can come before it is in. They reach
// the recorder and the exporters in order, after the alerts learned the stored results:
// a restart neither loses a result nor re-announces a known state.
func TestHistoryEventsWaitForTheStoreInOrder(t *testing.T) {
	state := t.TempDir()
	cfg := &config.Config{Plan: checks.Plan{
		Routes:   []checks.RouteSpec{{Name: "direct"}},
		Services: []checks.Service{{Name: "s"}},
	}}
	check := func(v checks.Verdict, at time.Time) checks.Event {
		return checks.Event{Kind: checks.EventCheckDone, Check: checks.CheckResult{
			Route: "direct", Service: "s", Verdict: v, Started: at, Finished: at}}
	}
	start := time.Now().Add(-time.Hour).Truncate(time.Second)

	var got []string
	for run, v := range []checks.Verdict{checks.VerdictBlocked, checks.VerdictOK} {
		got = got[:0]
		h := openHistory(cfg, state, io.Discard)
		observe := h.observe(func(e checks.Event) {
			got = append(got, fmt.Sprintf("%v %s", e.Kind, e.Check.Verdict))
		}, func(seed []checks.CheckResult) {
			s := fmt.Sprintf("prime %d", len(seed))
			for _, r := range seed {
				s += " " + string(r.Verdict)
			}
			got = append(got, s)
		})
		observe(checks.Event{Kind: checks.EventSweepStarted})
		observe(check(v, start.Add(time.Duration(run)*time.Minute)))
		observe(checks.Event{Kind: checks.EventSweepFinished})
		h.close()
		want := []string{
			"prime 0",
			fmt.Sprintf("%v ", checks.EventSweepStarted),
			fmt.Sprintf("%v %s", checks.EventCheckDone, v),
			fmt.Sprintf("%v ", checks.EventSweepFinished),
		}
		if run == 1 {
			want[0] = "prime 1 " + string(checks.VerdictBlocked)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("run %d: exporters saw %q, want %q", run+1, got, want)
		}
	}
}
