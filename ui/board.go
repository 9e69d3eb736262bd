package ui

import (
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// cell is what the board knows about one route × service.
type cell struct {
	res  checks.CheckResult
	have bool
}

// routeState is what the board knows about one route.
type routeState struct {
	res  checks.RouteResult
	have bool
	// sweep is the newest sweep started for this route; older results are stale.
	sweep uint64
}

// board is the results half of the dashboard: the plan and the newest result of every route
// and cell, folded from the runner's events. It knows nothing of the screen. Every change to a
// route's row bumps that row's generation, so views can keep what they drew until it changes.
type board struct {
	plan         checks.Plan
	routeIndex   map[string]int
	serviceIndex map[string]int
	routes       []routeState
	cells        [][]cell // [route][service]
	rowGen       []uint64 // per route: bumped whenever the row's route state or a cell changes
	gen          uint64   // bumped on every change, the plan included
	planGen      uint64   // bumped when the plan changes

	lastFinished time.Time
	next         time.Time
	closed       bool // the runner stopped sending events
}

func newBoard(plan checks.Plan) board {
	b := board{routeIndex: map[string]int{}, serviceIndex: map[string]int{}}
	b.replan(plan)
	return b
}

// touch records that route i's row changed.
func (b *board) touch(i int) {
	b.gen++
	b.rowGen[i] = b.gen
}

// apply folds one engine event into the board, dropping results of superseded sweeps.
func (b *board) apply(ev checks.Event, now func() time.Time) {
	switch ev.Kind {
	case checks.EventSweepStarted:
		for i := range b.routes {
			if len(ev.Routes) == 0 && b.routes[i].sweep < ev.Sweep {
				b.routes[i].sweep = ev.Sweep
				b.touch(i)
			}
		}
		for _, name := range ev.Routes {
			if i, ok := b.routeIndex[name]; ok && b.routes[i].sweep < ev.Sweep {
				b.routes[i].sweep = ev.Sweep
				b.touch(i)
			}
		}
	case checks.EventRouteChecked:
		i, ok := b.routeIndex[ev.Route.Name]
		if !ok || ev.Route.Sweep < b.routes[i].sweep {
			return
		}
		if b.routes[i].have && ev.Route.Sweep < b.routes[i].res.Sweep {
			return
		}
		b.routes[i].sweep = ev.Route.Sweep
		b.routes[i].res, b.routes[i].have = ev.Route, true
		b.touch(i)
	case checks.EventCheckDone:
		i, ok := b.routeIndex[ev.Check.Route]
		j, ok2 := b.serviceIndex[ev.Check.Service]
		if !ok || !ok2 || ev.Check.Sweep < b.routes[i].sweep {
			return
		}
		c := &b.cells[i][j]
		if c.have && ev.Check.Sweep < c.res.Sweep {
			return
		}
		b.routes[i].sweep = ev.Check.Sweep
		c.res, c.have = ev.Check, true
		b.touch(i)
	case checks.EventPlanChanged:
		if ev.Plan != nil {
			b.replan(*ev.Plan)
		}
	case checks.EventSweepFinished:
		b.lastFinished = ev.At
		if ev.At.IsZero() {
			b.lastFinished = now()
		}
		b.next = ev.Next
		b.gen++
	}
}

// replan moves the board onto a new plan: routes and cells that stay keep what they showed,
// new ones start pending, removed ones leave.
func (b *board) replan(plan checks.Plan) {
	oldRoutes, oldCells, oldRouteIndex, oldServiceIndex := b.routes, b.cells, b.routeIndex, b.serviceIndex
	b.plan = plan
	b.routeIndex, b.serviceIndex = map[string]int{}, map[string]int{}
	b.routes = make([]routeState, len(plan.Routes))
	b.cells = make([][]cell, len(plan.Routes))
	b.rowGen = make([]uint64, len(plan.Routes))
	b.gen++
	b.planGen++
	for j, s := range plan.Services {
		b.serviceIndex[s.Name] = j
	}
	for i, r := range plan.Routes {
		b.routeIndex[r.Name] = i
		b.cells[i] = make([]cell, len(plan.Services))
		b.rowGen[i] = b.gen
		oi, ok := oldRouteIndex[r.Name]
		if !ok {
			continue
		}
		b.routes[i] = oldRoutes[oi]
		for j, s := range plan.Services {
			if oj, ok := oldServiceIndex[s.Name]; ok {
				b.cells[i][j] = oldCells[oi][oj]
			}
		}
	}
}

// cellPending reports whether a result for the route's newest sweep is still awaited.
func (b *board) cellPending(i, j int) bool {
	c := &b.cells[i][j]
	return !c.have || c.res.Sweep < b.routes[i].sweep
}

func (b *board) routePending(i int) bool {
	for j := range b.cells[i] {
		if b.cellPending(i, j) {
			return true
		}
	}
	return false
}

func (b *board) anyPending() bool {
	for i := range b.cells {
		if b.routePending(i) {
			return true
		}
	}
	return false
}

// results lists the cells that have a result, in plan order.
func (b *board) results() []checks.CheckResult {
	var out []checks.CheckResult
	for i := range b.cells {
		for j := range b.cells[i] {
			c := &b.cells[i][j]
			if c.have {
				out = append(out, c.res)
			}
		}
	}
	return out
}

// routeResults maps each checked route to its newest route check.
func (b *board) routeResults() map[string]checks.RouteResult {
	out := map[string]checks.RouteResult{}
	for i, r := range b.routes {
		if r.have {
			out[b.plan.Routes[i].Name] = r.res
		}
	}
	return out
}
