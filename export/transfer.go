package export

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lifeline-app/lifeline/checks"
)

// transferMetrics are the gauges of transfer (media) probes: how fast and whether they froze.
type transferMetrics struct {
	goodput *prometheus.GaugeVec
	stalled *prometheus.GaugeVec
}

func newTransferMetrics(reg *prometheus.Registry) transferMetrics {
	return transferMetrics{
		goodput: gaugeVec(reg, "lifeline_transfer_goodput_bytes_per_second",
			"Goodput after the first byte in the last transfer probe of a target, in bytes per second (Prometheus base unit; ×8 for bit/s); absent when it stalled or moved nothing.",
			"route", "service", "target"),
		stalled: gaugeVec(reg, "lifeline_transfer_stalled",
			"Whether the last transfer probe of a target stopped making progress before its size was moved (1) or not (0).",
			"route", "service", "target"),
	}
}

// observe updates the gauges from one check. A carried-over result repeats the last
// measurement, which is what it is.
func (tm transferMetrics) observe(c checks.CheckResult, label func(checks.Target) string) {
	for _, t := range c.Targets {
		if t.Transfer == nil && t.Target.Kind != checks.KindTransfer && t.Target.Kind != checks.KindUpload {
			continue
		}
		target := label(t.Target)
		stats := t.Transfer
		if stats == nil {
			stats = &checks.TransferStats{}
		}
		tm.stalled.WithLabelValues(c.Route, c.Service, target).Set(boolValue(stats.Stalled))
		if stats.Goodput > 0 && !stats.Stalled {
			tm.goodput.WithLabelValues(c.Route, c.Service, target).Set(stats.Goodput / 8)
		} else {
			// A stale rate would look like a working transfer on a graph.
			tm.goodput.DeleteLabelValues(c.Route, c.Service, target)
		}
	}
}
