package export

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lifeline-app/lifeline/checks"
)

// interferenceMetrics are the gauges for calls (UDP loss) and DNS tampering.
type interferenceMetrics struct {
	udpLoss     *prometheus.GaugeVec
	dnsTampered *prometheus.GaugeVec
}

func newInterferenceMetrics(reg *prometheus.Registry) interferenceMetrics {
	im := interferenceMetrics{
		udpLoss: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lifeline_udp_loss_ratio",
			Help: "Share of the STUN burst that got no answer in the last probe of a calls target (1 when STUN went unanswered).",
		}, []string{"route", "service", "target"}),
		dnsTampered: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "lifeline_dns_tampered",
			Help: "Whether the direct route's resolver forged a name of the service in the last check (1) or not (0).",
		}, []string{"route", "service"}),
	}
	reg.MustRegister(im.udpLoss, im.dnsTampered)
	return im
}

// observe updates the gauges from one check; kind is the route's kind.
func (im interferenceMetrics) observe(c checks.CheckResult, kind string, label func(checks.Target) string) {
	for _, t := range c.Targets {
		if t.Target.Kind != checks.KindSTUN {
			continue
		}
		loss := 1.0 // unanswered or impossible: nothing got through
		if t.UDP != nil {
			loss = t.UDP.Loss()
		}
		im.udpLoss.WithLabelValues(c.Route, c.Service, label(t.Target)).Set(loss)
	}
	// Only the direct route is compared; a working check is not compared and counts as clean.
	if kind == checks.RouteDirect && c.Verdict != checks.VerdictPending {
		tampered := slices.ContainsFunc(c.DNS, func(a checks.DNSAnswers) bool { return a.Tampered })
		im.dnsTampered.WithLabelValues(c.Route, c.Service).Set(boolValue(tampered))
	}
}
