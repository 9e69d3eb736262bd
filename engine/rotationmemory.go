package engine

import (
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// rotationMemory keeps the last result of each rotating target per route × service, shown in
// the sweeps that do not probe it.
type rotationMemory struct {
	mu   sync.Mutex
	last map[rotationKey]rotationRun
}

type rotationKey struct{ route, service, role, kind, addr string }

type rotationRun struct {
	res   checks.TargetResult
	sweep uint64
	at    time.Time
}

func newRotationMemory() *rotationMemory {
	return &rotationMemory{last: map[rotationKey]rotationRun{}}
}

func keyOf(route, service string, t checks.Target) rotationKey {
	return rotationKey{route, service, t.Role, t.Kind, t.Addr}
}

// shown returns t's last result in the cell, marked with when it was measured; false when it
// has not been probed yet.
func (m *rotationMemory) shown(route, service string, t checks.Target, now time.Time) (checks.TargetResult, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	run, ok := m.last[keyOf(route, service, t)]
	if !ok {
		return checks.TargetResult{}, false
	}
	res := run.res
	res.Target = t
	res.Rotated = &checks.Rotated{Sweep: run.sweep, Age: now.Sub(run.at)}
	return res, true
}

// remember stores a fresh result, unless it was interrupted (lifeline stopping).
func (m *rotationMemory) remember(route, service string, res checks.TargetResult, n uint64, at time.Time) {
	if res.Err != nil && res.Err.Failure == checks.FailInterrupted {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last[keyOf(route, service, res.Target)] = rotationRun{res: res, sweep: n, at: at}
}

// retain forgets the results of cells a reloaded plan no longer checks.
func (m *rotationMemory) retain(cells map[checks.Cell]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.last {
		if !cells[checks.Cell{Route: k.route, Service: k.service}] {
			delete(m.last, k)
		}
	}
}

// counting is the results that count in this sweep's verdict: measured now and applicable
// to the route. When nothing was measured now (a plan whose rotation leaves a sweep empty),
// the shown results stand in, so the cell keeps its last known state instead of going blank.
func counting(results []checks.TargetResult) []checks.TargetResult {
	var fresh, shown []checks.TargetResult
	for _, r := range results {
		switch {
		case r.Counts():
			fresh = append(fresh, r)
		case r.Rotated != nil && r.NotApplicable == "":
			shown = append(shown, r)
		}
	}
	if len(fresh) == 0 {
		return shown
	}
	return fresh
}
