package engine

import (
	"context"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Monitor runs sweeps every interval and on demand, and streams their events. It is what the
// dashboard, the status line and the exporters consume.
type Monitor struct {
	s         *Scheduler
	observers []func(checks.Event)
	events    chan checks.Event
	rechecks  chan []string
	pauses    chan bool

	reloadMu sync.Mutex
	reload   *preparedPlan // the newest plan waiting for the current sweep to end
	reloads  chan struct{}
}

// Start runs a first sweep at once and then one every interval until ctx ends, when the
// events channel is closed. Every event goes to each observer (the exporters), in the sweep's
// emit path and before Events delivers it: the one fan-out every mode shares. Observers must
// return quickly.
func (s *Scheduler) Start(ctx context.Context, observers ...func(checks.Event)) *Monitor {
	m := &Monitor{
		s:         s,
		observers: observers,
		events:    make(chan checks.Event, 64),
		rechecks:  make(chan []string, 8),
		pauses:    make(chan bool, 8),
		reloads:   make(chan struct{}, 1),
	}
	go m.loop(ctx)
	return m
}

// Events streams every sweep's events; it is closed when the monitor stops.
func (m *Monitor) Events() <-chan checks.Event { return m.events }

// Recheck asks for a sweep of the given routes (all when none) as soon as the current sweep
// ends. It never blocks; requests beyond a small queue are dropped, as one is already pending.
// Transfer probes run in a re-check only when they are due, as in any sweep; otherwise their
// last result is carried over.
func (m *Monitor) Recheck(routes ...string) {
	select {
	case m.rechecks <- routes:
	default:
	}
}

// SetPaused stops or resumes periodic sweeps; Recheck still works while paused.
func (m *Monitor) SetPaused(paused bool) {
	select {
	case m.pauses <- paused:
	default:
	}
}

// Reload replaces the plan once the running sweep (if any) ends, emits EventPlanChanged and
// sweeps at once with the new plan, so new routes and services do not wait an interval. The
// history of cells that stay is kept. A plan that cannot run (a route that cannot be built,
// a name used twice) is refused here and nothing changes. Of several reloads waiting, the
// newest wins. It never blocks on a sweep.
func (m *Monitor) Reload(plan checks.Plan) error {
	p, err := preparePlan(plan)
	if err != nil {
		return err
	}
	m.reloadMu.Lock()
	m.reload = &p
	m.reloadMu.Unlock()
	select {
	case m.reloads <- struct{}{}:
	default: // one is already signalled; it will take the newest plan
	}
	return nil
}

func (m *Monitor) takeReload() *preparedPlan {
	m.reloadMu.Lock()
	defer m.reloadMu.Unlock()
	p := m.reload
	m.reload = nil
	return p
}

// emit hands e to every observer, then to Events; it reports false if ctx ended first.
func (m *Monitor) emit(ctx context.Context, e checks.Event) bool {
	for _, observe := range m.observers {
		observe(e)
	}
	select {
	case m.events <- e:
		return true
	case <-ctx.Done():
		return false
	}
}

func (m *Monitor) loop(ctx context.Context) {
	defer close(m.events)
	interval := m.s.Plan().Settings.Interval
	timer := time.NewTimer(0)
	defer timer.Stop()
	paused := false
	next := time.Now()

	sweep := func(routes []string) {
		periodic := len(routes) == 0
		m.s.Sweep(ctx, routes, func(e checks.Event) {
			if e.Kind == checks.EventSweepFinished {
				if periodic {
					next = time.Now().Add(interval)
				}
				if !paused {
					e.Next = next
				}
			}
			m.emit(ctx, e)
		})
		if periodic && !paused {
			timer.Reset(time.Until(next))
		}
	}

	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			sweep(nil)
		case routes := <-m.rechecks:
			sweep(routes)
		case <-m.reloads:
			p := m.takeReload()
			if p == nil {
				continue
			}
			m.s.replace(*p)
			interval = p.plan.Settings.Interval
			plan := p.plan
			if !m.emit(ctx, checks.Event{Kind: checks.EventPlanChanged, At: time.Now(), Plan: &plan}) {
				return
			}
			sweep(nil)
		case p := <-m.pauses:
			if p == paused {
				continue
			}
			paused = p
			if paused {
				timer.Stop()
			} else {
				timer.Reset(max(0, time.Until(next)))
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
}
