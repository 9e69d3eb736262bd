package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/ui"
)

// runDashboard opens the live dashboard; when stdout is not a terminal it prints status lines
// instead, so `lifeline | tee` and cron jobs get text rather than an error.
func runDashboard(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("", stderr)
	o := defineDashboardFlags(fs)
	path, ascii, noAlt, outputs := o.config, o.ascii, o.noAlt, o.outputs
	if code := parseFlags(fs, "", args, stdout); code >= 0 {
		return code
	}
	if *o.version {
		fmt.Fprintln(stdout, versionLine(readBuildInfo()))
		return 0
	}
	if f, ok := stdout.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		return runStatus(ctx, setFlags(fs), stdout, stderr)
	}

	cfg, sched, err := loadScheduler(ctx, *path, stderr)
	if err != nil {
		return configError(stderr, err)
	}
	hist, observe, stop, ok := startRecording(cfg, outputs, sched, stderr)
	if !ok {
		return checks.ExitUnknown
	}
	defer stop()
	dashCtx, stopDashboard := context.WithCancel(ctx)
	defer stopDashboard()
	monitor := sched.Start(dashCtx, observe)
	// The first probes are out; the store's warnings, if any, go to the terminal before the
	// dashboard takes it.
	hist.wait()

	opt := ui.DetectOptions(os.Getenv)
	opt.ASCII = opt.ASCII || *ascii
	opt.NoAltScreen = *noAlt
	opt.Title = configTitle(cfg)
	rl := &reloader{path: *path, monitor: monitor, alerts: cfg.Alerts}
	opt.Reload = func() (ui.ReloadResult, error) {
		res, err := rl.reload(dashCtx)
		if err != nil {
			return ui.ReloadResult{}, errors.New(oneLine(err.Error()))
		}
		return ui.ReloadResult{Title: res.title, Note: res.note}, nil
	}
	opt.ReloadRequests = forwardHangups(dashCtx, stopDashboard, stdout)
	opt.Timeline = hist.timeline()
	if err := ui.RunDashboard(dashCtx, sched.Plan(), monitor, opt); err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		return checks.ExitUnknown
	}
	return 0
}

// forwardHangups turns SIGHUP into reload requests for the dashboard, which shows how the
// reload went (stderr is hidden behind it). A SIGHUP from a terminal that hung up stops the
// dashboard instead.
func forwardHangups(ctx context.Context, stop context.CancelFunc, stdout io.Writer) <-chan struct{} {
	requests := make(chan struct{}, 1)
	hup := hangups(ctx)
	go func() {
		for nextReload(ctx, hup, stop, stdout) {
			select {
			case requests <- struct{}{}:
			default: // one is already waiting
			}
		}
	}()
	return requests
}

// setFlags lists the flags the user set, as arguments, to hand them to another mode.
func setFlags(fs *flag.FlagSet) []string {
	var args []string
	fs.Visit(func(f *flag.Flag) { args = append(args, "--"+f.Name+"="+f.Value.String()) })
	return args
}
