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
	fs := newFlags("check", stderr)
	o := defineCheckFlags(fs)
	path, verbose, asJSON, ascii := o.config, o.verbose, o.json, o.ascii
	if code := parseFlags(fs, "check", args, stdout); code >= 0 {
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
