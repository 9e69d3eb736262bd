package engine_test

import (
	"context"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
)

// oneCheck is a scheduler for one route and one service ("chatapp") holding one target.
func oneCheck(tb testing.TB, settings checks.Settings, route checks.RouteSpec, target checks.Target) *engine.Scheduler {
	tb.Helper()
	s, err := engine.NewScheduler(checks.Plan{
		Settings: settings,
		Routes:   []checks.RouteSpec{route},
		Services: []checks.Service{{Name: "chatapp", Targets: []checks.Target{target}}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// sweepOne runs one sweep of s and returns its last check and route results.
func sweepOne(s *engine.Scheduler) (got checks.CheckResult, route checks.RouteResult) {
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		switch e.Kind {
		case checks.EventCheckDone:
			got = e.Check
		case checks.EventRouteChecked:
			route = e.Route
		}
	})
	return got, route
}
