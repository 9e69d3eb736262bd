// Package export sends check results outward: Prometheus metrics, alerts on state change and
// an append-only results log. Every exporter observes the same stream of checks.Event.
package export

import "github.com/lifeline-app/lifeline/checks"

// Sink observes every event of every sweep. Observe is called from the scheduler's emit path,
// one event at a time, so it must return quickly and never wait on the network.
type Sink interface {
	Observe(checks.Event)
}

// Sinks fans one event out to several sinks in order.
type Sinks []Sink

// Observe passes e to every sink.
func (s Sinks) Observe(e checks.Event) {
	for _, sink := range s {
		sink.Observe(e)
	}
}
