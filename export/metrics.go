package export

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lifeline-app/lifeline/checks"
)

// verdicts is the stable enum the one-hot lifeline_verdict gauge spans.
var verdicts = checks.Verdicts()

// Metrics keeps the latest results as Prometheus metrics on a registry of its own. Names follow
// blackbox_exporter (probe_success, probe_duration_seconds, probe_http_duration_seconds) so
// existing dashboards work; labels carry route and service names only, never an endpoint,
// since proxy URLs can hold credentials.
type Metrics struct {
	reg          *prometheus.Registry
	success      *prometheus.GaugeVec
	duration     *prometheus.GaugeVec
	phase        *prometheus.GaugeVec
	routeUp      *prometheus.GaugeVec
	routeWarning *prometheus.GaugeVec
	routeState   *prometheus.GaugeVec
	verdict      *prometheus.GaugeVec
	latency      *prometheus.GaugeVec
	sweeps       prometheus.Counter
	internal     prometheus.Counter
	lastSweep    prometheus.Gauge
	kinds        map[string]string // route name → kind
	cells        map[checks.Cell]bool
	targetLabels map[string]string // target as configured → label without userinfo
	interference interferenceMetrics
	transfer     transferMetrics
}

// NewMetrics registers lifeline's metrics for the routes and services of plan. Every cell
// starts pending, so a scrape before the first sweep already lists what will be checked.
func NewMetrics(plan checks.Plan) *Metrics {
	routeService := []string{"route", "service"}
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		success: gaugeVec(reg, "probe_success",
			"Whether the service works through the route (verdict ok or slow).",
			routeService...),
		duration: gaugeVec(reg, "probe_duration_seconds",
			"How long the last check of the route and service took.",
			routeService...),
		phase: gaugeVec(reg, "probe_http_duration_seconds",
			"Duration of each phase of the last probe of a target (resolve, connect, tls, processing, transfer); 0 when not reached.",
			"route", "service", "target", "phase"),
		routeUp: gaugeVec(reg, "lifeline_route_up",
			"Whether the route itself (interface or proxy) worked in the last sweep.",
			"route", "kind"),
		routeWarning: gaugeVec(reg, "lifeline_route_warning",
			"Whether the route's last check raised the warning (not-tunnelling, local-dns): it works, but should not be trusted.",
			"route", "warning"),
		routeState: gaugeVec(reg, "lifeline_route_state",
			"The route's state, one-hot over up, down, offline (nothing reachable) and allowlist (only allowlisted destinations pass).",
			"route", "state"),
		verdict: gaugeVec(reg, "lifeline_verdict",
			"The current verdict of route and service, one-hot over ok, slow, partial, blocked, route-down, pending.",
			"route", "service", "verdict"),
		latency: gaugeVec(reg, "lifeline_check_latency_seconds",
			"The latency a user feels (TLS-ready time of the chat endpoint); absent while the service does not work.",
			routeService...),
		sweeps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lifeline_sweeps_total", Help: "Sweeps finished since start.",
		}),
		internal: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lifeline_internal_errors_total",
			Help: "Results lifeline could not get because it failed itself (out of descriptors or memory); never a verdict about a route.",
		}),
		lastSweep: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lifeline_last_sweep_timestamp_seconds", Help: "When the last sweep finished (Unix time).",
		}),
		kinds:        map[string]string{},
		targetLabels: map[string]string{},
	}
	m.reg.MustRegister(m.sweeps, m.internal, m.lastSweep)
	m.interference = newInterferenceMetrics(m.reg)
	m.transfer = newTransferMetrics(m.reg)
	m.cells = map[checks.Cell]bool{}
	m.replan(plan)
	return m
}

// gaugeVec is a gauge family with the labels, registered on reg.
func gaugeVec(reg *prometheus.Registry, name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	reg.MustRegister(g)
	return g
}

// replan follows a reload: series of routes and services no longer checked are deleted, so
// a graph or an alert does not go on reading a removed route's last value; new cells start
// pending; cells that stay keep their values.
func (m *Metrics) replan(plan checks.Plan) {
	cells := checks.PlanCells(plan)
	for c := range m.cells {
		if cells[c] {
			continue
		}
		labels := prometheus.Labels{"route": c.Route, "service": c.Service}
		for _, vec := range []*prometheus.GaugeVec{m.success, m.duration, m.phase, m.verdict, m.latency,
			m.interference.udpLoss, m.interference.dnsTampered, m.interference.sniContrast,
			m.transfer.goodput, m.transfer.stalled} {
			vec.DeletePartialMatch(labels)
		}
	}
	kinds := map[string]string{}
	for _, r := range plan.Routes {
		kinds[r.Name] = r.Kind
	}
	for name, kind := range m.kinds {
		if kinds[name] != kind {
			m.routeUp.DeletePartialMatch(prometheus.Labels{"route": name})
			m.routeWarning.DeletePartialMatch(prometheus.Labels{"route": name})
			m.routeState.DeletePartialMatch(prometheus.Labels{"route": name})
		}
	}
	for c := range cells {
		if !m.cells[c] {
			m.setVerdict(c.Route, c.Service, checks.VerdictPending)
		}
	}
	m.kinds, m.cells = kinds, cells
}

// Registry is the registry the metrics live on, for callers that add their own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// CountLogLosses exports how many records the results log could not write whole, as
// lifeline_log_records_lost_total.
func (m *Metrics) CountLogLosses(l *ResultLog) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "lifeline_log_records_lost_total",
		Help: "Check results the --log file could not hold whole (full disk, size limit); the file keeps whole records only.",
	}, func() float64 { return float64(l.Lost()) }))
}

// Handler serves the metrics in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Observe updates the metrics from one event.
func (m *Metrics) Observe(e checks.Event) {
	switch e.Kind {
	case checks.EventRouteChecked:
		if e.Route.Err.Internal() {
			// Not known: the last answer stands.
			m.internal.Inc()
			return
		}
		kind := e.Route.Kind
		if kind == "" {
			kind = m.kinds[e.Route.Name]
		}
		m.routeUp.WithLabelValues(e.Route.Name, kind).Set(boolValue(e.Route.OK))
		raised := e.Route.Warnings()
		for _, w := range checks.AllRouteWarnings() {
			m.routeWarning.WithLabelValues(e.Route.Name, string(w)).Set(boolValue(slices.Contains(raised, w)))
		}
		for _, st := range checks.RouteStates() {
			m.routeState.WithLabelValues(e.Route.Name, string(st)).Set(boolValue(st == e.Route.StateOf()))
		}
	case checks.EventCheckDone:
		m.observeCheck(e.Check)
	case checks.EventPlanChanged:
		if e.Plan != nil {
			m.replan(*e.Plan)
		}
	case checks.EventSweepFinished:
		m.sweeps.Inc()
		m.lastSweep.Set(float64(e.At.UnixNano()) / 1e9)
	}
}

func (m *Metrics) observeCheck(c checks.CheckResult) {
	if c.Cause.Internal() {
		m.internal.Inc()
	}
	m.setVerdict(c.Route, c.Service, c.Verdict)
	if c.Verdict == checks.VerdictPending {
		return
	}
	m.success.WithLabelValues(c.Route, c.Service).Set(boolValue(c.Verdict.Works()))
	if !c.Started.IsZero() && c.Finished.After(c.Started) {
		m.duration.WithLabelValues(c.Route, c.Service).Set(c.Finished.Sub(c.Started).Seconds())
	}
	if c.Verdict.Works() && c.Latency > 0 {
		m.latency.WithLabelValues(c.Route, c.Service).Set(c.Latency.Seconds())
	} else {
		// A stale latency would look like a working service on a graph.
		m.latency.DeleteLabelValues(c.Route, c.Service)
	}
	m.interference.observe(c, m.kinds[c.Route], m.targetLabel)
	m.transfer.observe(c, m.targetLabel)
	for _, t := range c.Targets {
		target := m.targetLabel(t.Target)
		for _, p := range phaseDurations(t.Phases) {
			m.phase.WithLabelValues(c.Route, c.Service, target, p.name).Set(p.d.Seconds())
		}
	}
}

func (m *Metrics) setVerdict(route, service string, v checks.Verdict) {
	for _, each := range verdicts {
		m.verdict.WithLabelValues(route, service, string(each)).Set(boolValue(each == v))
	}
}

// targetLabel is the target as configured, with any URL userinfo removed.
func (m *Metrics) targetLabel(t checks.Target) string {
	s := t.String()
	if label, ok := m.targetLabels[s]; ok {
		return label
	}
	label := s
	if strings.Contains(s, "@") {
		if u, err := url.Parse(t.Addr); err == nil && u.User != nil {
			u.User = nil
			label = t.Kind + " " + u.String()
			if t.Kind == checks.KindHTTPS {
				label = u.String()
			}
		}
	}
	label = checks.Sanitize(label)
	m.targetLabels[s] = label
	return label
}

type namedPhase struct {
	name string
	d    time.Duration
}

// phaseDurations names a probe's phases the way blackbox_exporter does: request→first byte
// is processing, the body is transfer. Every phase is reported, 0 when not reached, so no
// stale value lingers.
func phaseDurations(p checks.Phases) []namedPhase {
	return []namedPhase{
		{"resolve", p.DNS}, {"connect", p.Connect}, {"tls", p.TLS},
		{"processing", p.FirstByte}, {"transfer", p.Body},
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
