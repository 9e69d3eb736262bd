package export

import (
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// TestMetricsFollowAReload removes a route and a service and adds others: the removed series
// disappear from the scrape, the new cells appear pending, the cells that stay keep their
// values.
func TestMetricsFollowAReload(t *testing.T) {
	m := NewMetrics(metricsPlan())
	// A route that goes with the reload also had a stalled transfer: those series must go too.
	frozen := result("tor", "whatsapp", checks.VerdictPartial, 0, "")
	frozen.Targets = []checks.TargetResult{{
		Target:   checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://media.test/blob"},
		Transfer: &checks.TransferStats{Wanted: 65536, Bytes: 17000, Stalled: true},
	}}
	for _, e := range []checks.Event{
		{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}},
		{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tor", Kind: checks.RouteSOCKS5, OK: true}},
		done(result("direct", "signal", checks.VerdictOK, 142*time.Millisecond, "")),
		done(result("direct", "whatsapp", checks.VerdictBlocked, 0, "reset")),
		done(result("tor", "signal", checks.VerdictOK, 300*time.Millisecond, "")),
		done(frozen),
	} {
		m.Observe(e)
	}
	next := metricsPlan()
	next.Routes = next.Routes[:1]                                     // tor goes
	next.Services = []checks.Service{{Name: "signal"}, {Name: "max"}} // whatsapp goes, max arrives
	m.Observe(checks.Event{Kind: checks.EventPlanChanged, Plan: &next})

	got := scrape(t, m)
	for _, gone := range []string{`route="tor"`, `service="whatsapp"`} {
		if strings.Contains(got, gone) {
			t.Errorf("series with %s outlived the reload:\n%s", gone, got)
		}
	}
	wantSeries(t, got,
		`probe_success{route="direct",service="signal"} 1`,
		`lifeline_check_latency_seconds{route="direct",service="signal"} 0.142`,
		`lifeline_route_up{kind="direct",route="direct"} 1`,
		`lifeline_verdict{route="direct",service="max",verdict="pending"} 1`,
	)
}

// TestNotifierKeepsStateOfCellsThatStayAcrossAReload: a cell that stays keeps its streak (no
// news repeated, a failure still announced on time); a removed cell added back starts afresh.
func TestNotifierKeepsStateOfCellsThatStayAcrossAReload(t *testing.T) {
	h := NewHysteresis(2, 2)
	for range 2 {
		h.Step(result("direct", "signal", checks.VerdictOK, time.Millisecond, ""))
		h.Step(result("tor", "signal", checks.VerdictOK, time.Millisecond, ""))
	}
	h.Step(result("direct", "signal", checks.VerdictBlocked, 0, "reset"))
	h.Retain(map[checks.Cell]bool{{Route: "direct", Service: "signal"}: true})
	if c, ok := h.Step(result("direct", "signal", checks.VerdictBlocked, 0, "reset")); !ok || c.From != checks.VerdictOK {
		t.Errorf("streak begun before the reload not completed after it: %+v %v", c, ok)
	}
	// tor/signal was forgotten: its first stable state after coming back is learnt silently.
	for range 2 {
		if c, ok := h.Step(result("tor", "signal", checks.VerdictBlocked, 0, "reset")); ok {
			t.Errorf("a route added back announced old news: %+v", c)
		}
	}
}
