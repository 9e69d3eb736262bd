package store

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Recorder settings; RecorderOptions may override them.
const (
	DefaultQueueSize  = 4096
	DefaultBatchSize  = 512
	DefaultFlushEvery = time.Second
	DefaultPruneEvery = 10 * time.Minute
)

// RecorderOptions shape a Recorder; zero fields take the defaults.
type RecorderOptions struct {
	QueueSize   int           // results waiting for the disk; beyond it results are dropped
	BatchSize   int           // results per transaction at most
	FlushEvery  time.Duration // a result waits at most this long before it is written
	PruneEvery  time.Duration // how often the retention and size bounds are applied
	Diagnostics io.Writer     // where the one warning goes (nil: discarded)
}

// Recorder stores every finished check. Observe only enqueues: a writer goroutine batches
// results into transactions, so a slow disk never holds up a check or the screen. When the
// queue is full, results are dropped; when the disk refuses a write (read-only, full), the
// recorder warns once and stops recording. Either way checking goes on.
type Recorder struct {
	s     *Store
	opt   RecorderOptions
	queue chan Row

	mu     sync.Mutex
	routes map[string]checks.RouteState // each route's state in its latest check
	warned map[string]bool
	broken bool

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewRecorder starts the writer; Close flushes what is queued and stops it.
func NewRecorder(s *Store, opt RecorderOptions) *Recorder {
	if opt.QueueSize <= 0 {
		opt.QueueSize = DefaultQueueSize
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.FlushEvery <= 0 {
		opt.FlushEvery = DefaultFlushEvery
	}
	if opt.PruneEvery <= 0 {
		opt.PruneEvery = DefaultPruneEvery
	}
	if opt.Diagnostics == nil {
		opt.Diagnostics = io.Discard
	}
	r := &Recorder{
		s: s, opt: opt, queue: make(chan Row, opt.QueueSize),
		routes: map[string]checks.RouteState{}, warned: map[string]bool{},
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	go r.loop()
	return r
}

// Observe queues finished checks; it never blocks.
func (r *Recorder) Observe(e checks.Event) {
	switch e.Kind {
	case checks.EventRouteChecked:
		r.mu.Lock()
		r.routes[e.Route.Name] = e.Route.StateOf()
		r.mu.Unlock()
	case checks.EventCheckDone:
		if e.Check.Verdict == checks.VerdictPending || e.Check.Verdict == "" {
			return
		}
		r.mu.Lock()
		if r.broken {
			r.mu.Unlock()
			return
		}
		state := r.routes[e.Check.Route]
		r.mu.Unlock()
		select {
		case r.queue <- RowOf(e.Check, state):
		default:
			r.warn("queue", "history store is falling behind (slow disk?); some results are not kept")
		}
	}
}

// Close writes what is queued and stops the writer. Safe to call more than once.
func (r *Recorder) Close() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}

func (r *Recorder) loop() {
	defer close(r.done)
	flush := time.NewTimer(time.Hour)
	flush.Stop()
	lastPrune := time.Time{}
	var batch []Row
	write := func() {
		if len(batch) > 0 {
			r.write(batch)
			batch = batch[:0]
		}
		if time.Since(lastPrune) >= r.opt.PruneEvery && !r.isBroken() {
			lastPrune = time.Now()
			r.prune()
		}
	}
	for {
		select {
		case row := <-r.queue:
			if len(batch) == 0 {
				flush.Reset(r.opt.FlushEvery)
			}
			batch = append(batch, row)
			if len(batch) >= r.opt.BatchSize {
				flush.Stop()
				write()
			}
		case <-flush.C:
			write()
		case <-r.stop:
			for {
				select {
				case row := <-r.queue:
					batch = append(batch, row)
					if len(batch) >= r.opt.BatchSize {
						r.write(batch)
						batch = batch[:0]
					}
					continue
				default:
				}
				break
			}
			if len(batch) > 0 {
				r.write(batch)
			}
			return
		}
	}
}

func (r *Recorder) write(batch []Row) {
	if r.isBroken() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*busyTimeout)
	defer cancel()
	if err := r.s.Write(ctx, batch); err != nil {
		r.mu.Lock()
		r.broken = true
		r.mu.Unlock()
		r.warn("write", fmt.Sprintf("cannot write the history store %s (%v); going on without history", r.s.Path(), err))
	}
}

func (r *Recorder) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.s.Prune(ctx, time.Now()); err != nil {
		r.warn("prune", fmt.Sprintf("cannot trim the history store %s: %v", r.s.Path(), err))
	}
}

func (r *Recorder) isBroken() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.broken
}

// warn prints a warning of a kind once.
func (r *Recorder) warn(kind, msg string) {
	r.mu.Lock()
	seen := r.warned[kind]
	r.warned[kind] = true
	r.mu.Unlock()
	if !seen {
		fmt.Fprintln(r.opt.Diagnostics, "lifeline:", checks.Sanitize(msg))
	}
}
