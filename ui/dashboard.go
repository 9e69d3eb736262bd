package ui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/lifeline-app/lifeline/checks"
)

// Runner produces the events the dashboard shows and takes its requests. *checks.Monitor
// implements it; tests use a fake.
type Runner interface {
	Events() <-chan checks.Event // closed when the runner stops
	Recheck(routes ...string)    // sweep these routes now (none = all); never blocks
	SetPaused(paused bool)       // stop/resume periodic sweeps; Recheck still works
}

// Options shape how the dashboard draws.
type Options struct {
	ASCII       bool   // ASCII glyphs and borders only
	NoColor     bool   // no colour and no other escape sequences in the content
	NoAltScreen bool   // draw in the normal screen buffer
	Title       string // config path or "embedded default"
	// Reload reads the config again and hands the new plan to the runner, which announces it
	// with checks.EventPlanChanged; an error means the old plan runs on. It is called from a
	// command (it does I/O), on ctrl+r and on each ReloadRequests receive. Nil: no reloading.
	Reload         func() (ReloadResult, error)
	ReloadRequests <-chan struct{} // e.g. SIGHUP
	// Timeline loads the last 24 h of stored history for the timeline view ('t'). It is
	// called from a command (it does I/O). Nil: history is off.
	Timeline func() (Timeline, error)
}

// DetectOptions derives options from the environment: NO_COLOR (any non-empty value) turns
// colour off, and a locale that is not UTF-8 switches to ASCII glyphs.
func DetectOptions(env func(string) string) Options {
	var opt Options
	opt.NoColor = env("NO_COLOR") != ""
	opt.ASCII = !LocaleIsUTF8(env)
	return opt
}

const dashboardFPS = 15

// programOptions are how the dashboard runs its Bubble Tea program.
func programOptions(ctx context.Context, opt Options) []tea.ProgramOption {
	// A table that changes a few times a second needs no 60 frames per second: fewer frames
	// mean fewer wake-ups while idle and fewer, larger redraws over a slow SSH link.
	// The caller's context carries SIGINT and SIGTERM: one way to stop, and the terminal is
	// restored on it. Bubble Tea's own handler would report SIGINT as a failure.
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(dashboardFPS), tea.WithoutSignalHandler()}
	if opt.NoColor {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	return opts
}

// RunDashboard shows the dashboard until the user quits or ctx ends. The terminal is restored
// either way.
func RunDashboard(ctx context.Context, plan checks.Plan, r Runner, opt Options) error {
	p := tea.NewProgram(NewModel(plan, r, opt), programOptions(ctx, opt)...)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // asked to stop from outside: not a failure
	}
	return err
}
