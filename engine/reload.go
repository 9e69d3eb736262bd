package engine

import (
	"crypto/x509"
	"fmt"

	"github.com/lifeline-app/lifeline/checks"
	"golang.org/x/sync/semaphore"
)

// preparedPlan is a plan whose routes are built and validated, ready to replace the running
// one without a chance of failing halfway.
type preparedPlan struct {
	plan   checks.Plan
	routes []Route
}

// preparePlan builds the routes of plan and checks their names, so that a reload either
// applies whole or not at all.
func preparePlan(plan checks.Plan) (preparedPlan, error) {
	plan = completePlan(plan)
	seen := map[string]bool{}
	var routes []Route
	for _, spec := range plan.Routes {
		if seen[spec.Name] {
			return preparedPlan{}, fmt.Errorf("route %q is defined twice", spec.Name)
		}
		seen[spec.Name] = true
		r, err := NewRoute(spec)
		if err != nil {
			return preparedPlan{}, err
		}
		routes = append(routes, r)
	}
	return preparedPlan{plan: plan, routes: routes}, nil
}

// Replace swaps in a new plan between sweeps: it waits for a running sweep to end, and the
// next sweep runs the new routes, services and settings. The history of every route × service
// that is still in the plan is kept (by name); cells that left the plan are forgotten. On
// error nothing changes.
func (s *Scheduler) Replace(plan checks.Plan) error {
	p, err := preparePlan(plan)
	if err != nil {
		return err
	}
	s.replace(p)
	return nil
}

func (s *Scheduler) replace(p preparedPlan) {
	s.sweepMu.Lock()
	defer s.sweepMu.Unlock()
	old := s.plan
	s.planMu.Lock()
	s.plan = p.plan
	s.routes = p.routes
	s.planMu.Unlock()
	s.global = semaphore.NewWeighted(int64(p.plan.Settings.Concurrency))
	s.perRoute = map[string]*semaphore.Weighted{}
	for _, r := range p.routes {
		s.perRoute[r.Spec().Name] = semaphore.NewWeighted(int64(p.plan.Settings.PerRoute))
	}
	s.poolsMu.Lock()
	s.pools = map[poolKey]*x509.CertPool{}
	s.poolsMu.Unlock()
	if p.plan.Extra != old.Extra || p.plan.Settings.StepTimeout != old.Settings.StepTimeout {
		// The egress cache stays when nothing about it changed, so a reload costs no requests.
		s.dnsTamper = newDNSTamperChecker(p.plan.Extra.DNSCompare, p.plan.Settings.StepTimeout)
		s.egress = newEgressTracker(p.plan.Extra, p.plan.Settings.StepTimeout)
	}
	if p.plan.Transfer != old.Transfer || p.plan.Settings.Interval != old.Settings.Interval {
		s.transfers = newTransferMemory(p.plan.Transfer, p.plan.Settings.Interval)
	}
	cells := checks.PlanCells(p.plan)
	s.transfers.retain(cells)
	s.rotation.retain(cells)
	s.measured.retain(cells)
	s.history.Retain(cells, p.plan.Settings.HistorySize)
}
