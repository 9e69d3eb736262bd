package export

import (
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lifeline-app/lifeline/checks"
)

// contrastOutcomes is the stable enum the one-hot lifeline_sni_contrast gauge spans.
var contrastOutcomes = []string{checks.ContrastSNIFiltered, checks.ContrastIPBlocked, checks.ContrastAllowlist}

// interferenceMetrics are the gauges for calls (UDP loss), DNS tampering and what the SNI
// contrast found.
type interferenceMetrics struct {
	udpLoss     *prometheus.GaugeVec
	dnsTampered *prometheus.GaugeVec
	sniContrast *prometheus.GaugeVec
}

func newInterferenceMetrics(reg *prometheus.Registry) interferenceMetrics {
	return interferenceMetrics{
		udpLoss: gaugeVec(reg, "lifeline_udp_loss_ratio",
			"Share of the STUN burst that got no answer in the last probe of a calls target (1 when STUN went unanswered).",
			"route", "service", "target"),
		dnsTampered: gaugeVec(reg, "lifeline_dns_tampered",
			"Whether the direct route's resolver forged a name of the service in the last check (1) or not (0).",
			"route", "service"),
		sniContrast: gaugeVec(reg, "lifeline_sni_contrast",
			"After a TLS handshake failed at the ClientHello, what a retry naming an innocuous server found, one-hot over sni-filtered and ip-blocked; absent when no retry ran.",
			"route", "service", "target", "outcome"),
	}
}

// observe updates the gauges from one check; kind is the route's kind.
func (im interferenceMetrics) observe(c checks.CheckResult, kind string, label func(checks.Target) string) {
	for _, t := range c.Targets {
		im.observeContrast(c, t, label(t.Target))
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

// observeContrast sets the target's one-hot contrast gauge, or removes it when the last probe
// ran no contrast, so a recovered target leaves no stale verdict on a graph.
func (im interferenceMetrics) observeContrast(c checks.CheckResult, t checks.TargetResult, target string) {
	for _, outcome := range contrastOutcomes {
		if t.Contrast == nil {
			im.sniContrast.DeleteLabelValues(c.Route, c.Service, target, outcome)
			continue
		}
		im.sniContrast.WithLabelValues(c.Route, c.Service, target, outcome).Set(boolValue(t.Contrast.Outcome == outcome))
	}
}
