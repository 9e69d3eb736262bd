package checks

// PlanCells is the set of route × service pairs a plan checks.
func PlanCells(p Plan) map[Cell]bool {
	cells := make(map[Cell]bool, len(p.Routes)*len(p.Services))
	for _, r := range p.Routes {
		for _, svc := range p.Services {
			cells[Cell{Route: r.Name, Service: svc.Name}] = true
		}
	}
	return cells
}

// Cell names one route × service.
type Cell struct{ Route, Service string }

// RetainCells is the one "replan, keep what stays" step every holder of per-cell state runs
// after a reload (history, transfer memory, alert streaks, the report): it deletes from m each
// entry whose cell (cellOf its key) is not in keep, so a route removed and added back later
// starts afresh, and cells that stay keep what they had.
func RetainCells[K comparable, V any](m map[K]V, keep map[Cell]bool, cellOf func(K) Cell) {
	for k := range m {
		if !keep[cellOf(k)] {
			delete(m, k)
		}
	}
}
