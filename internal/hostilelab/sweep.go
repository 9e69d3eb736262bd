package hostilelab

import (
	"context"
	"fmt"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
)

// SweepAll checks every hostile peer (route r<i> × service s<i>, each in a sweep of its own
// so one peer cannot slow another) and returns the combined plan and the real route and
// check events, all stamped sweep 1.
func SweepAll(tb testing.TB) (checks.Plan, []checks.Event) {
	tb.Helper()
	plan := checks.Plan{Settings: Settings}
	var events []checks.Event
	for i, peer := range Peers(tb) {
		route := peer.Route
		route.Name = fmt.Sprintf("r%d", i)
		short := fmt.Sprintf("S%d", i)
		svc := checks.Service{Name: fmt.Sprintf("s%d", i), Title: short, Short: short, Targets: []checks.Target{peer.Target}}
		s, err := engine.NewScheduler(checks.Plan{Settings: Settings, Routes: []checks.RouteSpec{route}, Services: []checks.Service{svc}})
		if err != nil {
			tb.Fatal(err)
		}
		s.Sweep(context.Background(), nil, func(e checks.Event) {
			if e.Kind == checks.EventCheckDone || e.Kind == checks.EventRouteChecked {
				e.Sweep, e.Check.Sweep, e.Route.Sweep = 1, 1, 1
				events = append(events, e)
			}
		})
		plan.Routes = append(plan.Routes, route)
		plan.Services = append(plan.Services, svc)
	}
	return plan, events
}
