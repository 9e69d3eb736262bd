package export

import (
	"bytes"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// TestInternalErrorsAreReportedNotJudged: a check left unknown because lifeline ran out of
// descriptors is counted in lifeline_internal_errors_total and said once per sweep on
// stderr; the cell's last answer (probe_success, lifeline_route_up) stands.
func TestInternalErrorsAreReportedNotJudged(t *testing.T) {
	plan := checks.Plan{Routes: []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}}, Services: []checks.Service{{Name: "signal"}}}
	m := NewMetrics(plan)
	var diag bytes.Buffer
	r := NewInternalErrors(&diag)
	sinks := Sinks{m, r}
	emfile := checks.Classify(checks.OpConnect, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", syscall.EMFILE)})
	sinks.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}})
	sinks.Observe(done(result("direct", "signal", checks.VerdictOK, 0, "")))
	sinks.Observe(checks.Event{Kind: checks.EventSweepFinished, Sweep: 1})
	sinks.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, Err: emfile}})
	unknown := result("direct", "signal", checks.VerdictPending, 0, emfile.Human(""))
	unknown.Cause = emfile
	sinks.Observe(done(unknown))
	sinks.Observe(checks.Event{Kind: checks.EventSweepFinished, Sweep: 2})

	out := scrape(t, m)
	for _, want := range []string{
		"lifeline_internal_errors_total 2",
		`probe_success{route="direct",service="signal"} 1`,
		`lifeline_route_up{kind="direct",route="direct"} 1`,
		`lifeline_verdict{route="direct",service="signal",verdict="pending"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if got := diag.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "sweep 2: internal error: lifeline too many open files") ||
		!strings.Contains(got, "2 results left unknown") {
		t.Errorf("stderr: %q", got)
	}
}
