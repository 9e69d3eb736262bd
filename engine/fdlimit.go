package engine

// fdsPerProbe is how many descriptors one probe holds at most at once: its connection, and
// on interface routes the resolver's socket while the name is looked up.
const fdsPerProbe = 2

// MetricsConns is the share of the budget kept for the metrics server's client connections:
// main gives the server this cap (export.ServeMetrics), so a flood of clients waits in the
// kernel's accept queue instead of taking descriptors the probes were promised.
const MetricsConns = 16

// fdReserve keeps descriptors for everything that is not a probe: the metrics server's
// clients (MetricsConns), and the rest: the terminal, the results log, the metrics listener,
// alert deliveries, route checks, DNS comparison and egress lookups.
const fdReserve = 48 + MetricsConns

// concurrencyWithin caps the configured number of probes in flight so that they cannot run
// the process out of descriptors ("too many open files", which would read as a failure of
// the route) under a soft limit of limit descriptors; limit 0 means unknown and caps nothing.
// Go raises the soft limit to the hard one when a program starts, so limit is all there is.
func concurrencyWithin(want int, limit uint64) int {
	if limit == 0 {
		return want
	}
	room := 1
	if limit > fdReserve+fdsPerProbe {
		room = int(min((limit-fdReserve)/fdsPerProbe, 1<<20))
	}
	return max(1, min(want, room))
}
