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
	_, sched, err := loadScheduler(ctx, *path, stderr)
	if err != nil {
		return configError(stderr, err)
	}
	report, ok := sweepOnce(ctx, sched, stderr)
	if !ok {
		return checks.ExitUnknown
	}
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout, glyphsFor(*ascii), *verbose)
	}
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		return checks.ExitUnknown
	}
	return checks.Summarize(report.Ordered()).ExitCode()
}

// sweepOnce runs one sweep of sched and collects its results. ok is false when ctx ended the
// sweep early (said on stderr): the report is then incomplete.
func sweepOnce(ctx context.Context, sched *engine.Scheduler, stderr io.Writer) (report *ui.SweepReport, ok bool) {
	report = ui.NewSweepReport(sched.Plan())
	sched.Sweep(ctx, nil, report.Add)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "lifeline: interrupted")
		return nil, false
	}
	return report, true
}

// glyphsFor is the glyph set of the text output: ASCII with --ascii or when the locale is not
// UTF-8.
func glyphsFor(ascii bool) ui.Glyphs {
	if wantASCII(ascii) {
		return ui.ASCIIGlyphs
	}
	return ui.UnicodeGlyphs
}

// wantASCII reports whether text output keeps to ASCII: --ascii, or a locale that is not UTF-8.
func wantASCII(flag bool) bool { return flag || !ui.LocaleIsUTF8(os.Getenv) }
