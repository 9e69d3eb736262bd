package main

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
)

// The configuration reloader: SIGHUP (signals.go) asks for it, the dashboard and status watch
// run it.

// reloader reads the configuration again the way start-up did (--config, $LIFELINE_CONFIG,
// the user config directory, else the embedded default with discovery run anew), narrows it
// as the command line asked, and hands the plan to the monitor. On any error the monitor keeps
// its plan. Its fields are only read, so reloads may overlap; the monitor applies the newest.
type reloader struct {
	path    string // --config as given
	narrow  func(checks.Plan) (checks.Plan, error)
	monitor interface{ Reload(checks.Plan) error }
	alerts  config.Alerts // the alert settings the running exporters were started with
}

// reloaded says what a successful reload brought.
type reloaded struct {
	cfg   *config.Config
	title string // the config path, or "embedded default"
	note  string // "3 routes, 2 services" and anything that needs a restart
}

func (r *reloader) reload(ctx context.Context) (reloaded, error) {
	cfg, err := config.LoadOrDefault(ctx, r.path)
	if err != nil {
		return reloaded{}, err
	}
	plan := cfg.Plan
	if r.narrow != nil {
		if plan, err = r.narrow(plan); err != nil {
			return reloaded{}, err
		}
	}
	if len(plan.Routes) == 0 || len(plan.Services) == 0 {
		return reloaded{}, fmt.Errorf("nothing to check: the configuration has no routes or no services")
	}
	if err := r.monitor.Reload(plan); err != nil {
		return reloaded{}, err
	}
	cfg.Plan = plan
	out := reloaded{cfg: cfg, title: configTitle(cfg)}
	out.note = fmt.Sprintf("%d %s, %d %s", len(plan.Routes), plural(len(plan.Routes), "route"),
		len(plan.Services), plural(len(plan.Services), "service"))
	if !reflect.DeepEqual(cfg.Alerts, r.alerts) {
		out.note += "; alert settings (on_change, webhook, ntfy, telegram, thresholds) apply after a restart"
	}
	return out, nil
}

// configTitle names where a configuration came from.
func configTitle(cfg *config.Config) string {
	if cfg.Path == "" {
		return "embedded default"
	}
	return cfg.Path
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// reloadOnHangup serves SIGHUP for status watch until ctx ends: it reloads and says how it
// went on stderr, where a status bar or journald shows it; a hung-up terminal stops instead.
func reloadOnHangup(ctx context.Context, r *reloader, stop context.CancelFunc, stdout, stderr io.Writer) {
	hup := hangups(ctx)
	for nextReload(ctx, hup, stop, stdout) {
		res, err := r.reload(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "lifeline: reload failed, still running the previous config:", oneLine(err.Error()))
			continue
		}
		for _, note := range res.cfg.Notes {
			fmt.Fprintln(stderr, "lifeline:", checks.Sanitize(note))
		}
		fmt.Fprintln(stderr, "lifeline: reloaded "+checks.Sanitize(res.title)+": "+res.note)
	}
}

// oneLine keeps a message on one line of a log.
func oneLine(s string) string {
	return checks.Sanitize(strings.Join(strings.Fields(s), " "))
}
