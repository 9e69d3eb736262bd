package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/store"
	"github.com/lifeline-app/lifeline/ui"
)

// historyState is the history store of a running dashboard or status: what it found at
// start and the recorder that keeps each new result. The store is opened and read on a
// goroutine of its own, beside the first probes (SQLite's open and the read of the plan's
// cells take several milliseconds); what needs it waits for it: the in-memory history
// (History.Preload) and the exporters (observe queues events until it is in). Its zero value
// is "no history": every method works on it, so lifeline runs on when the store cannot be
// opened.
type historyState struct {
	ready chan struct{} // closed once the store is open and read (or failed to); nil: history off

	// Set before ready is closed; read only after it.
	store *store.Store
	rec   *store.Recorder
	seed  []checks.CheckResult // the newest stored results of the plan's cells, oldest first

	mu      sync.Mutex     // orders events: those queued before the store was in go first
	queue   []checks.Event // events observed before the store was in
	flushed chan struct{}  // closed once the queue reached the exporters; nil until observe
	passing bool           // the queue is flushed: events go straight through
}

// seedTimeout bounds reading the store at start: a stuck disk must not hold up the checks.
const seedTimeout = 5 * time.Second

// openHistory starts opening the store that --state (flag), `state:` or the default names,
// reading what the plan's cells last did and recording, and returns at once. Any failure is a
// warning: lifeline goes on without history.
func openHistory(cfg *config.Config, flag string, stderr io.Writer) *historyState {
	dir, err := store.StateDir(flag, cfg.State, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline: history:", err, "- going on without history")
		return &historyState{}
	}
	if dir == "" {
		return &historyState{}
	}
	size := cfg.Plan.Settings.HistorySize
	if size <= 0 {
		size = checks.DefaultHistorySize
	}
	h := &historyState{ready: make(chan struct{})}
	go h.load(dir, size, checks.PlanCells(cfg.Plan), stderr)
	return h
}

// load opens the store in dir, reads the newest size results of the cells in keep and starts
// the recorder, then closes h.ready.
func (h *historyState) load(dir string, size int, keep map[checks.Cell]bool, stderr io.Writer) {
	defer close(h.ready)
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "lifeline: cannot open the history store:", checks.Sanitize(err.Error()), "- going on without history")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
	defer cancel()
	rows, err := s.Recent(ctx, size, keep)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline: cannot read the history store:", checks.Sanitize(err.Error()))
	}
	for _, r := range rows {
		h.seed = append(h.seed, r.Result())
	}
	h.store = s
	h.rec = store.NewRecorder(s, store.RecorderOptions{Diagnostics: stderr})
}

// wait returns once the store is open and read, or failed to be.
func (h *historyState) wait() {
	if h.ready != nil {
		<-h.ready
	}
}

// seedHistory has the in-memory history begin with what the store remembers, so sparklines,
// uptime, percentiles and the last change start where the last run left off. The checks go
// on meanwhile; results wait to be added until the stored ones are in.
func (h *historyState) seedHistory(mem *checks.History) {
	if h.ready == nil {
		return
	}
	mem.Preload(func() []checks.CheckResult {
		h.wait()
		return h.seed
	})
}

// observe wraps next so that every event is also recorded. Events that come before the store
// is in wait in a queue, in order (the sweep does not wait); once it is in, prime learns the
// stored results, then the queue goes to the recorder and next, then every later event.
func (h *historyState) observe(next func(checks.Event), prime func([]checks.CheckResult)) func(checks.Event) {
	if h.ready == nil {
		return next
	}
	h.flushed = make(chan struct{})
	pass := func(e checks.Event) {
		if h.rec != nil {
			h.rec.Observe(e)
		}
		next(e)
	}
	go func() {
		defer close(h.flushed)
		h.wait()
		h.mu.Lock()
		defer h.mu.Unlock()
		prime(h.seed)
		for _, e := range h.queue {
			pass(e)
		}
		h.queue, h.passing = nil, true
	}()
	return func(e checks.Event) {
		h.mu.Lock()
		if !h.passing {
			h.queue = append(h.queue, e)
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		pass(e)
	}
}

// drain returns once the events queued before the store was in have reached the recorder
// and the exporters; call it before stopping them.
func (h *historyState) drain() {
	if h.flushed != nil {
		<-h.flushed
	}
}

// close writes what is queued and closes the store.
func (h *historyState) close() {
	h.wait()
	h.drain()
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
// waits for the store to be open; the loader reads it, so the dashboard calls it from a
// command.
func (h *historyState) timeline() func() (ui.Timeline, error) {
	h.wait()
	if h.store == nil {
		return nil
	}
	return func() (ui.Timeline, error) {
		until := time.Now()
		t := ui.Timeline{Since: until.Add(-timelineSpan), Until: until, Loc: time.Local}
		ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
		defer cancel()
		cells, err := historyCells(ctx, h.store, store.Query{Since: t.Since, Until: t.Until}, t.Loc, nil, nil)
		if err != nil {
			return t, err
		}
		t.Cells = cells
		return t, nil
	}
}
