package engine

import (
	"cmp"
	"slices"
	"sync"

	"github.com/lifeline-app/lifeline/checks"
)

// measuredOrder remembers in which sweep each cell was last measured, so that a route's
// checks queue least recently measured first: a check that found the route's slots busy
// until its deadline goes first next time, and no service stays unmeasured behind others
// that hang.
type measuredOrder struct {
	mu   sync.Mutex
	last map[checks.Cell]uint64
}

func newMeasuredOrder() *measuredOrder { return &measuredOrder{last: map[checks.Cell]uint64{}} }

// order returns services in the order their checks on route queue: least recently measured
// first, the plan's order among equals.
func (m *measuredOrder) order(route string, services []checks.Service) []checks.Service {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(services)
	slices.SortStableFunc(out, func(a, b checks.Service) int {
		return cmp.Compare(m.last[checks.Cell{Route: route, Service: a.Name}], m.last[checks.Cell{Route: route, Service: b.Name}])
	})
	return out
}

// done records that the cell was measured in sweep n.
func (m *measuredOrder) done(route, service string, n uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last[checks.Cell{Route: route, Service: service}] = n
}

// measured is false for a check that never got its slots (checks.FailNotMeasured).
func measured(c checks.CheckResult) bool { return !c.Cause.NotMeasured() }

// retain forgets the cells a reloaded plan no longer checks.
func (m *measuredOrder) retain(cells map[checks.Cell]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	checks.RetainCells(m.last, cells, func(k checks.Cell) checks.Cell { return k })
}
