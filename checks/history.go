package checks

import (
	"slices"
	"sync"
	"time"
)

// Stats summarise a cell's recent results.
type Stats struct {
	Samples    int             // results remembered
	Uptime     float64         // share of remembered results that worked (ok or slow), 0..1; n/a ones do not count
	P50, P95   time.Duration   // latency percentiles over working results
	Recent     []time.Duration // latencies oldest→newest; 0 marks a result that did not work
	Verdicts   []Verdict       // verdicts oldest→newest, aligned with Recent
	LastFailed time.Time       // when a result last failed (partial, blocked, route-down); zero if never
	LastChange time.Time       // when the verdict last differed from the one before
}

type cellHistory struct {
	verdicts   []Verdict
	latencies  []time.Duration
	lastFailed time.Time
	lastChange time.Time
}

// History keeps the last N results of every route × service. It is safe for concurrent use.
type History struct {
	mu     sync.Mutex
	size   int
	cells  map[Cell]*cellHistory
	loaded chan struct{} // closed once Preload's results are in; nil when none were asked for
}

// NewHistory remembers size results per cell (DefaultHistorySize when size <= 0).
func NewHistory(size int) *History {
	if size <= 0 {
		size = DefaultHistorySize
	}
	return &History{size: size, cells: map[Cell]*cellHistory{}}
}

// Preload has the history begin with older results (oldest first) that load returns, while
// the caller goes on: load runs on a goroutine of its own, and Add, Stats and Retain wait
// until its results are in, so every result recorded afterwards comes after them and sees
// them in its stats. load must return in bounded time. Call it before the history is used.
func (h *History) Preload(load func() []CheckResult) {
	loaded := make(chan struct{})
	h.mu.Lock()
	h.loaded = loaded
	h.mu.Unlock()
	go func() {
		defer close(loaded)
		rs := load()
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, r := range rs {
			h.add(r)
		}
	}()
}

// waitLoaded returns once the results Preload asked for are in.
func (h *History) waitLoaded() {
	h.mu.Lock()
	loaded := h.loaded
	h.mu.Unlock()
	if loaded != nil {
		<-loaded
	}
}

// Add records r and returns the cell's stats including it.
func (h *History) Add(r CheckResult) Stats {
	h.waitLoaded()
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.add(r)
}

// add is Add with h.mu held.
func (h *History) add(r CheckResult) Stats {
	key := Cell{r.Route, r.Service}
	c := h.cells[key]
	if c == nil {
		c = &cellHistory{}
		h.cells[key] = c
	}
	at := r.Finished
	if n := len(c.verdicts); n > 0 && c.verdicts[n-1] != r.Verdict {
		c.lastChange = at
	}
	if r.Verdict.Info().Failed {
		c.lastFailed = at
	}
	latency := time.Duration(0)
	if r.Verdict.Works() {
		latency = r.Latency
	}
	c.verdicts = append(c.verdicts, r.Verdict)
	c.latencies = append(c.latencies, latency)
	if len(c.verdicts) > h.size {
		c.verdicts = slices.Delete(c.verdicts, 0, len(c.verdicts)-h.size)
		c.latencies = slices.Delete(c.latencies, 0, len(c.latencies)-h.size)
	}
	return c.stats()
}

// Stats returns the cell's stats; the zero Stats when it has none.
func (h *History) Stats(route, service string) Stats {
	h.waitLoaded()
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.cells[Cell{route, service}]; c != nil {
		return c.stats()
	}
	return Stats{}
}

// Retain forgets every cell not in keep and remembers size results per cell from now on
// (DefaultHistorySize when size <= 0), trimming the oldest when it shrinks.
func (h *History) Retain(keep map[Cell]bool, size int) {
	if size <= 0 {
		size = DefaultHistorySize
	}
	h.waitLoaded()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.size = size
	RetainCells(h.cells, keep, func(c Cell) Cell { return c })
	for _, c := range h.cells {
		if extra := len(c.verdicts) - size; extra > 0 {
			c.verdicts = slices.Delete(c.verdicts, 0, extra)
			c.latencies = slices.Delete(c.latencies, 0, extra)
		}
	}
}

func (c *cellHistory) stats() Stats {
	s := Stats{
		Samples:    len(c.verdicts),
		Recent:     slices.Clone(c.latencies),
		Verdicts:   slices.Clone(c.verdicts),
		LastFailed: c.lastFailed,
		LastChange: c.lastChange,
	}
	var working []time.Duration
	applicable := 0 // n/a samples are neither up nor down
	for i, v := range c.verdicts {
		if v.Works() {
			working = append(working, c.latencies[i])
		}
		if v.Info().Class != ClassNA {
			applicable++
		}
	}
	if applicable > 0 {
		s.Uptime = float64(len(working)) / float64(applicable)
	}
	if len(working) > 0 {
		slices.Sort(working)
		s.P50 = percentile(working, 0.50)
		s.P95 = percentile(working, 0.95)
	}
	return s
}

// percentile uses the nearest-rank method on sorted values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(p*float64(len(sorted))+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}
