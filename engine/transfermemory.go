package engine

import (
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// transferMemory keeps each cell's last transfer results so data-heavy probes run every
// TransferPlan.Every, not every sweep: in between, the last result is carried over (marked,
// with its age) and the verdict stays what that run found instead of flapping.
type transferMemory struct {
	every time.Duration
	// early lets a run count as due slightly before every has passed, so sweeps that drift
	// by a few milliseconds do not push a run back by a whole interval.
	early time.Duration

	mu   sync.Mutex
	last map[transferKey]transferRun
}

// transferKey names one transfer target of one cell; the kind is part of it because a
// service's upload and download may share an address (the service's web host).
type transferKey struct{ route, service, role, kind, addr string }

type transferRun struct {
	res checks.TargetResult
	at  time.Time
}

func newTransferMemory(plan checks.TransferPlan, interval time.Duration) *transferMemory {
	return &transferMemory{every: plan.Every, early: interval / 2, last: map[transferKey]transferRun{}}
}

// carried returns the cell's last result for t, marked as carried over, when a run is not
// yet due at now.
func (m *transferMemory) carried(route, service string, t checks.Target, now time.Time) (checks.TargetResult, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	run, ok := m.last[transferKey{route, service, t.Role, t.Kind, t.Addr}]
	if !ok || now.Sub(run.at) >= m.every-m.early {
		return checks.TargetResult{}, false
	}
	res := run.res
	stats := checks.TransferStats{}
	if res.Transfer != nil {
		stats = *res.Transfer
	}
	stats.CarriedOver, stats.Age = true, now.Sub(run.at)
	res.Transfer = &stats
	return res, true
}

// remember stores a fresh run, unless it was interrupted (lifeline stopping), which says
// nothing about the path.
func (m *transferMemory) remember(route, service string, res checks.TargetResult, at time.Time) {
	if res.Err != nil && res.Err.Failure == checks.FailInterrupted {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last[transferKey{route, service, res.Target.Role, res.Target.Kind, res.Target.Addr}] = transferRun{res: res, at: at}
}

// retain forgets the runs of cells a reloaded plan no longer checks.
func (m *transferMemory) retain(cells map[checks.Cell]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	checks.RetainCells(m.last, cells, func(k transferKey) checks.Cell { return checks.Cell{Route: k.route, Service: k.service} })
}

// transferSkipped says why a route runs no transfer probes ("" when it runs them).
func (s *Scheduler) transferSkipped(spec checks.RouteSpec) string {
	switch {
	case s.plan.Transfer.Off:
		return "transfer off"
	case spec.Metered:
		return "transfer off (metered)"
	}
	return ""
}

// isCarriedOver reports whether t was reused from an earlier sweep.
func isCarriedOver(t checks.TargetResult) bool {
	return t.Rotated != nil || (t.Transfer != nil && t.Transfer.CarriedOver)
}

func (s *Scheduler) thresholds() checks.Thresholds {
	return checks.Thresholds{Slow: s.plan.Settings.Slow, SlowBelow: s.plan.Transfer.SlowBelow}
}
