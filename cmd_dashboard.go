package main

import (
	"context"
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
	fs := newFlags("lifeline", stderr, "lifeline [--config FILE] [--ascii] [--no-alt-screen]")
	path := fs.String("config", "", "config file (default: $LIFELINE_CONFIG, then the user config directory)")
	ascii := fs.Bool("ascii", false, "ASCII glyphs instead of Unicode (automatic when the locale is not UTF-8)")
	noAlt := fs.Bool("no-alt-screen", false, "draw in the normal screen, keeping scrollback (useful over SSH)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if f, ok := stdout.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		statusArgs := []string{}
		if *path != "" {
			statusArgs = append(statusArgs, "--config", *path)
		}
		if *ascii {
			statusArgs = append(statusArgs, "--ascii")
		}
		return runStatus(ctx, statusArgs, stdout, stderr)
	}

	cfg, err := loadConfig(ctx, *path, stderr)
	if err != nil {
		return configError(stderr, err)
	}
	sched, err := checks.NewScheduler(cfg.Plan)
	if err != nil {
		return configError(stderr, err)
	}
	monitorCtx, stopMonitor := context.WithCancel(ctx)
	defer stopMonitor()
	monitor := sched.Start(monitorCtx)

	opt := ui.DetectOptions(os.Getenv)
	opt.ASCII = opt.ASCII || *ascii
	opt.NoAltScreen = *noAlt
	opt.Title = "embedded default"
	if cfg.Path != "" {
		opt.Title = cfg.Path
	}
	if err := ui.RunDashboard(ctx, sched.Plan(), monitor, opt); err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		return checks.ExitUnknown
	}
	return 0
}
