package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/ui"
)

// runCheck runs one sweep and prints a full report.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr, "lifeline check [-v] [--json] [--ascii] [--config FILE]")
	path := fs.String("config", "", "config file (default: $LIFELINE_CONFIG, then the user config directory)")
	verbose := fs.Bool("v", false, "show every target's phases and failure")
	asJSON := fs.Bool("json", false, "print one JSON document")
	ascii := fs.Bool("ascii", false, "ASCII glyphs instead of Unicode")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	ctx, cancel := stopOnHangup(ctx)
	defer cancel()
	cfg, err := loadConfig(ctx, *path, stderr)
	if err != nil {
		return configError(stderr, err)
	}
	sched, err := engine.NewScheduler(cfg.Plan)
	if err != nil {
		return configError(stderr, err)
	}
	report := ui.NewSweepReport(sched.Plan())
	sched.Sweep(ctx, nil, report.Add)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "lifeline: interrupted")
		return checks.ExitUnknown
	}
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		glyphs := ui.UnicodeGlyphs
		if *ascii || !ui.LocaleIsUTF8(os.Getenv) {
			glyphs = ui.ASCIIGlyphs
		}
		err = report.WriteText(stdout, glyphs, *verbose)
	}
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		return checks.ExitUnknown
	}
	return checks.Summarize(report.Ordered()).ExitCode()
}
