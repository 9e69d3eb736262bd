package engine_test

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// openFDs counts this process's open file descriptors, or -1 where /proc is missing.
func openFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries) - 1 // ReadDir's own descriptor
}

// heldFDs counts open descriptors other than pipes. The only pipes in a test process are
// the ones the runtime pools for splice(2) (the fixtures' io.Copy between sockets); the pool
// frees them only when a collection drops it, and forcing collections to get rid of them
// would also let finalizers close any socket lifeline leaked, hiding the leak.
func heldFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range entries {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err == nil && !strings.HasPrefix(target, "pipe:") {
			n++
		}
	}
	return n - 1 // ReadDir's own descriptor
}

// heapAfterGC is the live heap once a full collection has run.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC() // the first may leave finalizer-reachable objects for the second
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, or 0 where /proc is missing.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peaks samples the goroutine and descriptor counts until stop is called.
type peaks struct {
	goroutines, fds atomic.Int64
	withFDs         bool // sample open descriptors too
	done            chan struct{}
	stopped         chan struct{}
	once            sync.Once
}

func watchPeaks(every time.Duration) *peaks {
	return watchPeaksOf(every, true)
}

// watchGoroutinePeak samples goroutines only: reading /proc/self/fd allocates and costs CPU,
// which a benchmark must not count as its own.
func watchGoroutinePeak(every time.Duration) *peaks { return watchPeaksOf(every, false) }

func watchPeaksOf(every time.Duration, fds bool) *peaks {
	p := &peaks{done: make(chan struct{}), stopped: make(chan struct{}), withFDs: fds}
	go func() {
		defer close(p.stopped)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			p.sample()
			select {
			case <-p.done:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peaks) sample() {
	if n := int64(runtime.NumGoroutine()); n > p.goroutines.Load() {
		p.goroutines.Store(n)
	}
	if !p.withFDs {
		return
	}
	if n := int64(openFDs()); n > p.fds.Load() {
		p.fds.Store(n)
	}
}

// stop ends the sampling; calling it again does nothing.
func (p *peaks) stop() {
	p.once.Do(func() { close(p.done) })
	<-p.stopped
}

// settle waits, at most for limit, until the goroutine and held descriptor counts are back at
// or below the baseline; it returns the last counts seen and whether they got there.
func settle(goroutines, fds int, limit time.Duration) (int, int, bool) {
	deadline := time.Now().Add(limit)
	for {
		g, f := runtime.NumGoroutine(), heldFDs()
		if g <= goroutines && f <= fds {
			return g, f, true
		}
		if time.Now().After(deadline) {
			return g, f, false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// steadyCounts waits, at most for limit, until the goroutine and descriptor counts have not
// changed for quiet, and returns them: the baseline later measurements are held to.
func steadyCounts(quiet, limit time.Duration) (int, int) {
	deadline := time.Now().Add(limit)
	g, f := runtime.NumGoroutine(), heldFDs()
	since := time.Now()
	for time.Now().Before(deadline) && time.Since(since) < quiet {
		time.Sleep(10 * time.Millisecond)
		if g2, f2 := runtime.NumGoroutine(), heldFDs(); g2 != g || f2 != f {
			g, f, since = g2, f2, time.Now()
		}
	}
	return g, f
}
