package checks

// RouteState is what a route's own check concluded. Besides up and down there are two states
// that are not censorship of any one service: offline (the route reaches nothing at all, the
// control included, so its services are not painted as blocked) and allowlist (only
// allowlisted, mostly domestic, destinations pass, as on Russia's mobile networks during
// shutdowns).
type RouteState string

const (
	RouteUp        RouteState = "up"
	RouteDown      RouteState = "down"
	RouteOffline   RouteState = "offline"
	RouteAllowlist RouteState = "allowlist"
)

// routeStateRow is one row of the route-state table.
type routeStateRow struct {
	State RouteState
	// Word is what a person reads on the route's row, e.g. "offline".
	Word string
	// Warning is true for the states a user must see on the route's own row, not only in a
	// detail view: they change how every cell of the route is to be read.
	Warning bool
	// Carries is true when some traffic passes the route.
	Carries bool
}

// routeStates is the one table of route states, in the order outputs list them.
var routeStates = []routeStateRow{
	{State: RouteUp, Word: "up", Carries: true},
	{State: RouteDown, Word: "down"},
	{State: RouteOffline, Word: "offline", Warning: true},
	{State: RouteAllowlist, Word: "allowlist", Warning: true, Carries: true},
}

// RouteStates lists every route state, in table order.
func RouteStates() []RouteState { return column(routeStates, routeStateRow.key) }

func (r routeStateRow) key() RouteState { return r.State }

func (s RouteState) row() routeStateRow {
	if r, ok := rowOf(routeStates, routeStateRow.key, s); ok {
		return r
	}
	return routeStateRow{State: s, Word: string(s)}
}

// Word is the state as a person reads it.
func (s RouteState) Word() string { return s.row().Word }

// Warning reports whether the state must be shown on the route's own row.
func (s RouteState) Warning() bool { return s.row().Warning }

// Carries reports whether some traffic passes a route in this state.
func (s RouteState) Carries() bool { return s.row().Carries }

// StateOf is the route's state: the one its check named, or up/down from OK for results that
// name none (a route whose mechanism failed, results from before states were recorded).
func (r RouteResult) StateOf() RouteState {
	if r.State != "" {
		return r.State
	}
	if r.OK {
		return RouteUp
	}
	return RouteDown
}
