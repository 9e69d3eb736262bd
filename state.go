package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/history"
	"github.com/lifeline-app/lifeline/store"
	"github.com/lifeline-app/lifeline/ui"
)

// historyState is the history store of a running dashboard or status: what it found at
// start and the recorder that keeps each new result. Its zero value is "no history": every
// method works on it, so lifeline runs on when the store cannot be opened.
type historyState struct {
	store *store.Store
	rec   *store.Recorder
	seed  []checks.CheckResult // the newest stored results of the plan's cells, oldest first
}

// seedTimeout bounds reading the store at start: a stuck disk must not hold up the checks.
const seedTimeout = 5 * time.Second

// openHistory opens the store that --state (flag), `state:` or the default names, reads
// what the plan's cells last did and starts recording. Any failure is a warning: lifeline
// goes on without history.
func openHistory(cfg *config.Config, flag string, stderr io.Writer) *historyState {
	dir, err := store.StateDir(flag, cfg.State, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline: history:", err, "- going on without history")
		return &historyState{}
	}
	if dir == "" {
		return &historyState{}
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "lifeline: cannot open the history store:", checks.Sanitize(err.Error()), "- going on without history")
		return &historyState{}
	}
	h := &historyState{store: s}
	ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
	defer cancel()
	size := cfg.Plan.Settings.HistorySize
	if size <= 0 {
		size = checks.DefaultHistorySize
	}
	rows, err := s.Recent(ctx, size, checks.PlanCells(cfg.Plan))
	if err != nil {
		fmt.Fprintln(stderr, "lifeline: cannot read the history store:", checks.Sanitize(err.Error()))
	}
	for _, r := range rows {
		h.seed = append(h.seed, r.Result())
	}
	h.rec = store.NewRecorder(s, store.RecorderOptions{Diagnostics: stderr})
	return h
}

// seedHistory gives the in-memory history what the store remembers, so sparklines, uptime,
// percentiles and the last change start where the last run left off.
func (h *historyState) seedHistory(mem *checks.History) {
	for _, r := range h.seed {
		mem.Add(r)
	}
}

// observe wraps next so that every event is also recorded.
func (h *historyState) observe(next func(checks.Event)) func(checks.Event) {
	if h.rec == nil {
		return next
	}
	return func(e checks.Event) {
		h.rec.Observe(e)
		next(e)
	}
}

// close writes what is queued and closes the store.
func (h *historyState) close() {
	if h.rec != nil {
		h.rec.Close()
	}
	if h.store != nil {
		h.store.Close()
	}
}

// timelineSpan is how far back the dashboard's timeline view reaches.
const timelineSpan = 24 * time.Hour

// timeline is the loader of the dashboard's timeline view; nil when history is off. It
// reads the store, so the dashboard calls it from a command.
func (h *historyState) timeline() func() (ui.Timeline, error) {
	if h.store == nil {
		return nil
	}
	return func() (ui.Timeline, error) {
		until := time.Now()
		t := ui.Timeline{Since: until.Add(-timelineSpan), Until: until, Loc: time.Local}
		ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
		defer cancel()
		rows, err := h.store.Results(ctx, store.Query{Since: t.Since, Until: t.Until})
		if err != nil {
			return t, err
		}
		t.Cells = history.Build(rows, history.Options{Since: t.Since, Until: t.Until, Loc: t.Loc})
		return t, nil
	}
}
