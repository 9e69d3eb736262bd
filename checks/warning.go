package checks

import "strings"

// RouteWarning is a reason not to trust a route that works: traffic or names do not take
// the way the user set it up for. It is a stable lowercase enum in JSON and metrics.
type RouteWarning string

// Route warnings. Offline and allowlist (route states that are not censorship of a service)
// join this table when the engine reports them.
const (
	WarnNotTunnelling RouteWarning = "not-tunnelling" // exits from the direct route's address
	WarnLocalDNS      RouteWarning = "local-dns"      // names resolved by the host's own resolver
)

// LocalDNSFlag starts the egress flag of a route whose names go to the system resolver.
const LocalDNSFlag = "DNS goes to the system resolver"

// routeWarningTable is every warning: how an egress flag names it, and the words people read.
var routeWarningTable = []routeWarningRow{
	{WarnNotTunnelling, NotTunnelling, "no tunnel"},
	{WarnLocalDNS, LocalDNSFlag, "local dns"},
}

type routeWarningRow struct {
	warning RouteWarning
	flag    string // the Egress flag it comes from (a prefix)
	word    string // on the route's row: "no tunnel"
}

func (r routeWarningRow) key() RouteWarning { return r.warning }

// AllRouteWarnings lists every warning in table order, e.g. for a metric per warning.
func AllRouteWarnings() []RouteWarning { return column(routeWarningTable, routeWarningRow.key) }

// Word is the warning on a route's row, e.g. "no tunnel".
func (w RouteWarning) Word() string {
	if row, ok := rowOf(routeWarningTable, routeWarningRow.key, w); ok {
		return row.word
	}
	return string(w)
}

// Warnings lists what the route's check found wrong with a route that works, in table order.
func (r RouteResult) Warnings() []RouteWarning {
	if r.Egress == nil {
		return nil
	}
	var out []RouteWarning
	for _, row := range routeWarningTable {
		for _, f := range r.Egress.Flags {
			if strings.HasPrefix(f, row.flag) {
				out = append(out, row.warning)
				break
			}
		}
	}
	return out
}
