package export

import (
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// result builds a finished check with a given verdict.
func result(route, service string, v checks.Verdict, latency time.Duration, reason string) checks.CheckResult {
	return checks.CheckResult{
		Route: route, Service: service, Verdict: v, Latency: latency, Reason: reason,
		Started: testStart, Finished: testStart.Add(250 * time.Millisecond),
	}
}

func done(r checks.CheckResult) checks.Event {
	return checks.Event{Kind: checks.EventCheckDone, Check: r, At: r.Finished}
}
