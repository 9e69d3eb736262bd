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
