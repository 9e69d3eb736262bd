package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/ui"
)

// statusRun is a parsed status command.
type statusRun struct {
	once    bool
	timeout time.Duration
	opt     ui.StatusOptions
	route   string
	service string
}

// runStatus prints a status line per sweep.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("status", stderr)
	o := defineStatusFlags(fs)
	path, once, format, route, service, short := o.config, o.once, o.format, o.route, o.service, o.short
	color, ascii, warn, crit, timeout, outputs := o.color, o.ascii, o.warn, o.crit, o.timeout, o.outputs
	if code := parseFlags(fs, "status", args, stdout); code >= 0 {
		return code
	}

	run := statusRun{once: *once, timeout: time.Duration(*timeout) * time.Second, route: *route, service: *service}
	f, err := ui.ParseStatusFormat(*format)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline status: --format:", err)
		return checks.ExitUnknown
	}
	useColor, err := wantColor(*color, isTerminal(stdout), os.Getenv("NO_COLOR"))
	if err != nil {
		fmt.Fprintln(stderr, "lifeline status:", err)
		return checks.ExitUnknown
	}
	if *warn < 0 || *crit < 0 || *timeout < 0 {
		fmt.Fprintln(stderr, "lifeline status: -w, -c and -t must not be negative")
		return checks.ExitUnknown
	}
	run.opt = ui.StatusOptions{
		Format: f, Glyphs: glyphsFor(*ascii), Color: useColor && f == ui.StatusPlain, Short: *short,
		Warn: time.Duration(*warn) * time.Millisecond, Crit: time.Duration(*crit) * time.Millisecond,
	}

	// From here on the format is known: a config that cannot be used shows in it too, so a
	// bar never goes blank. (Mistakes in the command line itself go to stderr only.)
	printer := ui.NewStatusPrinter(stdout, run.opt)
	fail := func(err error) int {
		if perr := printer.PrintError(ui.ErrorConfig, err.Error()); perr != nil {
			fmt.Fprintln(stderr, "lifeline:", perr)
		}
		return configError(stderr, err)
	}
	if run.once {
		var cancel context.CancelFunc
		ctx, cancel = stopOnHangup(ctx)
		defer cancel()
	}
	cfg, err := loadConfig(ctx, *path, stderr)
	if err != nil {
		return fail(err)
	}
	narrow := func(p checks.Plan) (checks.Plan, error) { return narrowPlan(p, run.route, run.service) }
	plan, err := narrow(cfg.Plan)
	if err != nil {
		// A wrong --route or --service is a mistake on the command line, not in the config.
		fmt.Fprintln(stderr, "lifeline status:", err)
		return checks.ExitUnknown
	}
	cfg.Plan = plan
	sched, err := engine.NewScheduler(plan)
	if err != nil {
		return fail(err)
	}
	_, observe, stop, ok := startRecording(cfg, outputs, sched, stderr)
	if !ok {
		return checks.ExitUnknown
	}
	defer stop()

	if run.once {
		return statusOnce(ctx, sched, run, printer, observe, stdout, stderr)
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	monitor := sched.Start(watchCtx, observe)
	rl := &reloader{path: *path, narrow: narrow, monitor: monitor, alerts: cfg.Alerts}
	go reloadOnHangup(watchCtx, rl, stopWatch, stdout, stderr)
	return statusWatch(watchCtx, monitor, plan, printer, stderr)
}

// statusOnce runs one sweep, prints its line and returns the exit code it deserves.
func statusOnce(ctx context.Context, sched *engine.Scheduler, run statusRun, printer *ui.StatusPrinter,
	observe func(checks.Event), stdout, stderr io.Writer) int {
	sweepCtx, cancel := ctx, context.CancelFunc(func() {})
	if run.timeout > 0 {
		sweepCtx, cancel = context.WithTimeout(ctx, run.timeout)
	}
	defer cancel()
	report := ui.NewSweepReport(sched.Plan())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sched.Sweep(sweepCtx, nil, func(e checks.Event) {
			observe(e)
			report.Add(e)
		})
	}()
	select {
	case <-done:
	case <-sweepCtx.Done():
		// Probes honour the context; the grace period only guards against one that does not.
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}
	// Probes may hit a socket deadline taken from the context an instant before the
	// context's own timer fires: past the deadline is a timeout either way.
	deadline, hasDeadline := sweepCtx.Deadline()
	if sweepCtx.Err() != nil || hasDeadline && !time.Now().Before(deadline) {
		short, why := ui.ErrorInterrupted, "interrupted"
		if ctx.Err() == nil {
			short, why = ui.ErrorTimedOut, fmt.Sprintf("timed out after %s", run.timeout)
		}
		if err := printer.PrintError(short, why); err != nil {
			fmt.Fprintln(stderr, "lifeline:", err)
		}
		fmt.Fprintln(stderr, "lifeline:", why)
		return checks.ExitUnknown
	}
	snap := report.Snapshot()
	if err := printer.Print(snap); err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		return checks.ExitUnknown
	}
	return ui.StatusExitCode(snap, run.opt)
}

// statusWatch prints a line after every sweep until ctx ends, then returns 0. Results persist
// between sweeps, so a recheck of one route keeps the others' cells, and across reloads for
// the cells that stay.
func statusWatch(ctx context.Context, monitor *engine.Monitor, plan checks.Plan, printer *ui.StatusPrinter, stderr io.Writer) int {
	report := ui.NewSweepReport(plan)
	for e := range monitor.Events() {
		report.Add(e)
		if e.Kind != checks.EventSweepFinished || ctx.Err() != nil {
			// A sweep cut short by shutdown holds interrupted probes, not news.
			continue
		}
		if err := printer.Print(report.Snapshot()); err != nil {
			fmt.Fprintln(stderr, "lifeline:", err)
			return checks.ExitUnknown
		}
	}
	return checks.ExitOK
}

// wantColor decides on ANSI colour: always, never, or auto (a terminal, and NO_COLOR empty).
func wantColor(mode string, terminal bool, noColor string) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return terminal && noColor == "", nil
	}
	return false, fmt.Errorf("--color %q: want auto, always or never", mode)
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// narrowPlan keeps the route named route (all when empty) and the services listed in
// services (comma-separated config names, abbreviations or titles; all when empty).
func narrowPlan(plan checks.Plan, route, services string) (checks.Plan, error) {
	if route != "" {
		var names []string
		var kept []checks.RouteSpec
		for _, r := range plan.Routes {
			names = append(names, r.Name)
			if r.Name == route {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			return plan, fmt.Errorf("--route %q: no such route (have: %s)", checks.Sanitize(route), strings.Join(names, ", "))
		}
		plan.Routes = kept
	}
	if strings.TrimSpace(services) != "" {
		var kept []checks.Service
		var names []string
		for _, svc := range plan.Services {
			names = append(names, svc.Name)
		}
		for _, want := range strings.Split(services, ",") {
			want = strings.TrimSpace(want)
			if want == "" {
				continue
			}
			found := false
			for _, svc := range plan.Services {
				if strings.EqualFold(want, svc.Name) || strings.EqualFold(want, svc.Short) || strings.EqualFold(want, svc.Title) {
					found = true
					if !containsService(kept, svc.Name) {
						kept = append(kept, svc)
					}
				}
			}
			if !found {
				return plan, fmt.Errorf("--service %q: no such service (have: %s)", checks.Sanitize(want), strings.Join(names, ", "))
			}
		}
		plan.Services = kept
	}
	if len(plan.Routes) == 0 || len(plan.Services) == 0 {
		return plan, errors.New("nothing to check: the configuration has no routes or no services")
	}
	return plan, nil
}

func containsService(list []checks.Service, name string) bool {
	for _, s := range list {
		if s.Name == name {
			return true
		}
	}
	return false
}
