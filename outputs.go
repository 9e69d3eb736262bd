package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
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

// addOutputFlags registers --metrics, --metrics-public, --log, --log-max-bytes and --state on fs.
func addOutputFlags(fs *flag.FlagSet) *outputFlags {
	o := &outputFlags{}
	fs.StringVar(&o.metrics, "metrics", "", "serve Prometheus metrics on `ADDR`, e.g. 127.0.0.1:9464 (default off)")
	fs.BoolVar(&o.metricsPublic, "metrics-public", false, "allow --metrics to listen on a non-loopback address")
	fs.StringVar(&o.log, "log", "", "append one JSON line per check result to `FILE`")
	fs.Int64Var(&o.logMaxBytes, "log-max-bytes", export.DefaultLogMaxBytes, "rotate the --log file when it would pass this size")
	fs.StringVar(&o.state, "state", "", "keep history in `DIR` (default: state: in the config, else the user state directory; off: none)")
	return o
}

// startOutputs starts the exporters the flags and the config ask for: metrics, the results
// log, and alerts (on_change, webhook), whose state machine learns seed (stored results,
// oldest first) without announcing it. observe must see every event of every sweep; it never
// blocks on the network. stop shuts everything down and is safe to call once.
func startOutputs(cfg *config.Config, o *outputFlags, seed []checks.CheckResult, stderr io.Writer) (observe func(checks.Event), stop func(), err error) {
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

	if o != nil && o.metrics != "" {
		m := export.NewMetrics(cfg.Plan)
		shutdown, err := serveMetrics(o.metrics, o.metricsPublic, m.Handler(), stderr)
		if err != nil {
			return nil, nil, err
		}
		sinks = append(sinks, m)
		stops = append(stops, shutdown)
	}
	if o != nil && o.log != "" {
		l, err := export.OpenResultLog(o.log, o.logMaxBytes, export.DefaultLogKeep)
		if err != nil {
			return nil, nil, err
		}
		l.Diagnostics = stderr
		sinks = append(sinks, l)
		stops = append(stops, func() { l.Close() })
	}
	if a := cfg.Alerts; a.OnChange != "" || a.Webhook != "" {
		n := export.NewNotifier(export.NotifyOptions{
			FailureThreshold: a.FailureThreshold, SuccessThreshold: a.SuccessThreshold,
			OnChange: a.OnChange, Webhook: a.Webhook, Diagnostics: stderr,
		})
		n.Prime(seed)
		sinks = append(sinks, n)
		stops = append(stops, n.Close)
	}
	return sinks.Observe, stopAll, nil
}

// serveMetrics listens on addr and serves h at /metrics (and /). A non-loopback address is
// refused unless public is set: results tell anyone who can scrape them which routes a
// person has and which work.
func serveMetrics(addr string, public bool, h http.Handler, stderr io.Writer) (shutdown func(), err error) {
	if err := checkMetricsAddr(addr, public); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	mux.Handle("/", h)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "lifeline: --metrics:", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
		<-done
	}, nil
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
