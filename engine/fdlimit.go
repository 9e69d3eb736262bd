package engine

// fdsPerProbe is how many descriptors one probe holds at most at once: its connection, and
// on interface routes the resolver's socket while the name is looked up.
const fdsPerProbe = 2

// fdReserve keeps descriptors for everything that is not a probe: the terminal, the results
// log, the metrics listener and its clients, route checks, DNS comparison and egress lookups.
const fdReserve = 64

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
