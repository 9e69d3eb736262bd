package main

import (
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/export"
)

// outputFlags are the exporters every long-running mode (status, dashboard) can feed.
type outputFlags struct {
	metrics       string
	metricsPublic bool
	log           string
	logMaxBytes   int64
	state         string
}

// startOutputs starts the exporters the flags and the config ask for: metrics, the results
// log, and alerts (on_change, webhook). prime has the alerts' state machine learn stored
// results (oldest first) without announcing them; call it before observe sees the first
// event. observe must see every event of every sweep; it never blocks on the network. stop
// shuts everything down and is safe to call once.
func startOutputs(cfg *config.Config, o *outputFlags, router export.Router, stderr io.Writer) (observe func(checks.Event), prime func([]checks.CheckResult), stop func(), err error) {
	prime = func([]checks.CheckResult) {}
	var sinks export.Sinks
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stopAll()
		}
	}()

	// lifeline's own failures (out of descriptors or memory) are said on stderr in every mode.
	sinks = append(sinks, export.NewInternalErrors(stderr))
	var metrics *export.Metrics
	if o != nil && o.metrics != "" {
		m := export.NewMetrics(cfg.Plan)
		metrics = m
		shutdown, err := serveMetrics(o.metrics, o.metricsPublic, m.Handler(), stderr)
		if err != nil {
			return nil, nil, nil, err
		}
		sinks = append(sinks, m)
		stops = append(stops, shutdown)
	}
	if o != nil && o.log != "" {
		l, err := export.OpenResultLog(o.log, o.logMaxBytes, export.DefaultLogKeep)
		if err != nil {
			return nil, nil, nil, err
		}
		l.Diagnostics = stderr
		if metrics != nil {
			metrics.CountLogLosses(l)
		}
		sinks = append(sinks, l)
		stops = append(stops, func() { l.Close() })
	}
	if a := cfg.Alerts; a.OnChange != "" || len(a.Notifiers) > 0 {
		var deliveries []export.Delivery
		for _, n := range a.Notifiers {
			deliveries = append(deliveries, export.Delivery{Kind: n.Kind, URL: n.URL, Token: n.Token, Chat: n.Chat, Via: n.Via})
		}
		n := export.NewNotifier(export.NotifyOptions{
			FailureThreshold: a.FailureThreshold, SuccessThreshold: a.SuccessThreshold,
			OnChange: a.OnChange, SecretEnv: cfg.SecretEnv, Deliveries: deliveries,
			Routes: cfg.Plan.Routes, Router: router, Diagnostics: stderr,
		})
		prime = n.Prime
		sinks = append(sinks, n)
		stops = append(stops, n.Close)
	}
	return sinks.Observe, prime, stopAll, nil
}

// startRecording starts what a long-running mode (status, dashboard) feeds: it opens the
// history store (openHistory: beside the first probes), has sched's in-memory history begin
// with what it remembers, and starts the outputs (startOutputs). observe records every event
// and hands it to the exporters; stop drains what is queued, stops the exporters and closes
// the store. ok is false when an output could not start (said on stderr); everything is
// closed then.
func startRecording(cfg *config.Config, o *outputFlags, sched *engine.Scheduler, stderr io.Writer) (hist *historyState, observe func(checks.Event), stop func(), ok bool) {
	hist = openHistory(cfg, o.state, stderr)
	hist.seedHistory(sched.History())
	observe, prime, stopOutputs, err := startOutputs(cfg, o, sched, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		hist.close()
		return nil, nil, nil, false
	}
	observe = hist.observe(observe, prime)
	stop = func() {
		hist.drain()
		stopOutputs()
		hist.close()
	}
	return hist, observe, stop, true
}

// serveMetrics listens on addr and serves h at /metrics (and /) within the bounds of
// export.ServeMetrics. A non-loopback address is refused unless public is set: results tell
// anyone who can scrape them which routes a person has and which work.
func serveMetrics(addr string, public bool, h http.Handler, stderr io.Writer) (shutdown func(), err error) {
	if err := checkMetricsAddr(addr, public); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics: %w", err)
	}
	return export.ServeMetrics(ln, h, engine.MetricsConns, stderr), nil
}

// checkMetricsAddr accepts host:port with a loopback host (127.0.0.0/8, ::1, localhost), and
// any host when public is set.
func checkMetricsAddr(addr string, public bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("--metrics %q: want HOST:PORT, e.g. 127.0.0.1:9464", addr)
	}
	if public {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	shown := host
	if shown == "" {
		shown = "every interface"
	}
	return fmt.Errorf("--metrics %s: refusing to serve metrics on %s, which is not loopback; "+
		"results reveal which routes you have and which work. Add --metrics-public to allow it", addr, shown)
}
