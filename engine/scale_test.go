package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// scaleLab is routes × services against one HTTP server that answers every POST after delay
// and counts the requests it holds at once. Every second route goes through a SOCKS5 proxy.
type scaleLab struct {
	plan               checks.Plan
	delay              time.Duration
	inFlight, peakHeld atomic.Int64
}

func newScaleLab(tb testing.TB, routes, services, concurrency, perRoute int, delay time.Duration) *scaleLab {
	tb.Helper()
	l := &scaleLab{delay: delay}
	srv := fixture.StartHTTP(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := l.inFlight.Add(1)
		defer l.inFlight.Add(-1)
		for {
			peak := l.peakHeld.Load()
			if n <= peak || l.peakHeld.CompareAndSwap(peak, n) {
				break
			}
		}
		time.Sleep(delay)
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusNotFound)
	}))
	proxy := fixture.NewSOCKS5(tb, fixture.SOCKS5Options{})
	l.plan.Settings = checks.Settings{
		Timeout: 30 * time.Second, StepTimeout: 20 * time.Second,
		Concurrency: concurrency, PerRoute: perRoute,
	}
	for i := range routes {
		spec := checks.RouteSpec{Name: fmt.Sprintf("r%03d", i), Kind: checks.RouteDirect}
		if i%2 == 1 {
			spec.Kind, spec.Proxy = checks.RouteSOCKS5, proxy.URL()
		}
		l.plan.Routes = append(l.plan.Routes, spec)
	}
	for i := range services {
		l.plan.Services = append(l.plan.Services, checks.Service{Name: fmt.Sprintf("s%d", i),
			Targets: []checks.Target{{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: srv.Addr}}})
	}
	return l
}

// ideal is the shortest a sweep can take: probes run in waves of at most the global
// concurrency, each route's in waves of at most per_route, and each probe takes delay.
func (l *scaleLab) ideal(concurrency int) time.Duration {
	s := l.plan.Settings
	probes := len(l.plan.Routes) * len(l.plan.Services)
	waves := max(ceil(probes, concurrency), ceil(len(l.plan.Services), s.PerRoute))
	return time.Duration(waves) * l.delay
}

func ceil(a, b int) int { return (a + b - 1) / b }

// scaleFigures is one sweep of a scale lab, measured.
type scaleFigures struct {
	wall, ideal     time.Duration
	cpu             time.Duration // CPU the whole process (client and fixtures) used
	worked, checks  int
	concurrency     int
	peakHeld        int64
	peakFDs         int64
	peakGoroutines  int64
	heapPerCell     float64 // bytes after GC, scheduler and one result per cell
	heapPerCellFull float64 // bytes after GC with every cell's history full
	historySize     int
	failures        map[string]int
}

func (f scaleFigures) String() string {
	return fmt.Sprintf("scale: %d checks, %d worked, concurrency %d (peak %d held at the server), wall %s, ideal %s, ratio %.2f, CPU %s on %d cores\n"+
		"scale: peak fds %d, peak goroutines %d; heap after GC %.0f B/cell with 1 result, %.0f B/cell with %d results (history full)",
		f.checks, f.worked, f.concurrency, f.peakHeld, f.wall.Round(time.Millisecond), f.ideal, float64(f.wall)/float64(f.ideal), f.cpu.Round(time.Millisecond), runtime.NumCPU(),
		f.peakFDs, f.peakGoroutines, f.heapPerCell, f.heapPerCellFull, f.historySize)
}

// runScale builds a scheduler for l, runs one sweep (bounded by guard) and measures it.
func runScale(tb testing.TB, l *scaleLab, guard time.Duration) scaleFigures {
	tb.Helper()
	before := heapAfterGC()
	s, err := engine.NewScheduler(l.plan)
	if err != nil {
		tb.Fatal(err)
	}
	fig := scaleFigures{concurrency: s.Plan().Settings.Concurrency, historySize: s.Plan().Settings.HistorySize, failures: map[string]int{}}
	cells := len(l.plan.Routes) * len(l.plan.Services)
	fig.ideal = l.ideal(fig.concurrency)
	l.peakHeld.Store(0)
	watch := watchPeaks(5 * time.Millisecond)
	done := make(chan struct{})
	cpu0, start := cpuTime(), time.Now()
	go func() {
		defer close(done)
		s.Sweep(context.Background(), nil, func(e checks.Event) {
			if e.Kind != checks.EventCheckDone {
				return
			}
			fig.checks++
			if e.Check.Verdict.Works() {
				fig.worked++
			} else {
				fig.failures[e.Check.Reason]++
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(guard):
		tb.Fatalf("a sweep of %d checks did not end within %s", cells, guard)
	}
	fig.wall, fig.cpu = time.Since(start), cpuTime()-cpu0
	watch.stop()
	fig.peakFDs, fig.peakGoroutines = watch.fds.Load(), watch.goroutines.Load()
	fig.peakHeld = l.peakHeld.Load()
	fig.heapPerCell = float64(int64(heapAfterGC())-int64(before)) / float64(cells)

	// A full history: what every cell holds after history-size sweeps. The results are added
	// directly, as the scheduler would, so the figure does not take history-size sweeps.
	for range fig.historySize {
		for _, r := range l.plan.Routes {
			for _, svc := range l.plan.Services {
				now := time.Now()
				s.History().Add(checks.CheckResult{Route: r.Name, Service: svc.Name, Verdict: checks.VerdictOK, Latency: l.delay, Started: now, Finished: now})
			}
		}
	}
	fig.heapPerCellFull = float64(int64(heapAfterGC())-int64(before)) / float64(cells)
	runtime.KeepAlive(s)
	return fig
}

// TestScaleSweepStaysWithinItsLimits runs one sweep of 200 routes × 4 services (every second
// route through SOCKS5) with concurrency 100 against a server that answers after 50 ms, and
// asserts what a user with many routes relies on: every check gets an answer, no probe fails
// for want of descriptors or slots, and the server never sees more probes at once than the
// configured concurrency. It logs the wall time against the ideal; BenchmarkSweep500x4 has
// the full-size figures.
func TestScaleSweepStaysWithinItsLimits(t *testing.T) {
	const routes, services, concurrency = 200, 4, 100
	l := newScaleLab(t, routes, services, concurrency, 4, 50*time.Millisecond)
	fig := runScale(t, l, 60*time.Second)
	t.Log("\n" + fig.String())
	if fig.checks != routes*services {
		t.Fatalf("%d checks reported, want %d", fig.checks, routes*services)
	}
	if fig.worked != fig.checks {
		t.Errorf("%d of %d checks failed: %v", fig.checks-fig.worked, fig.checks, fig.failures)
	}
	if fig.peakHeld > int64(fig.concurrency) {
		t.Errorf("the server held %d probes at once; concurrency is %d", fig.peakHeld, fig.concurrency)
	}
}

// BenchmarkSweep500x4 is one sweep of 500 routes × 4 services (every second route through a
// loopback SOCKS5 proxy) with concurrency 256 and per_route 4 against a server that answers
// every POST after 50 ms. Metrics: wall-ms and ideal-ms (waves of probes × 50 ms, see ideal),
// x-ideal (their ratio), cpu-ms (CPU the process used during the sweep, fixtures included:
// on a machine with few cores wall time approaches cpu-ms ÷ cores), peak-fds and peak-goroutines of the process (fixtures included),
// B/cell after GC with one result per cell and with the history full.
func BenchmarkSweep500x4(b *testing.B) {
	const routes, services = 500, 4
	l := newScaleLab(b, routes, services, 256, 4, 50*time.Millisecond)
	var last scaleFigures
	for b.Loop() {
		last = runScale(b, l, 5*time.Minute)
		if last.worked != routes*services {
			b.Fatalf("%d of %d checks worked: %v", last.worked, routes*services, last.failures)
		}
	}
	b.ReportMetric(float64(last.wall.Microseconds())/1000, "wall-ms")
	b.ReportMetric(float64(last.ideal.Microseconds())/1000, "ideal-ms")
	b.ReportMetric(float64(last.wall)/float64(last.ideal), "x-ideal")
	b.ReportMetric(float64(last.cpu.Microseconds())/1000, "cpu-ms")
	b.ReportMetric(float64(last.peakFDs), "peak-fds")
	b.ReportMetric(float64(last.peakGoroutines), "peak-goroutines")
	b.ReportMetric(last.heapPerCell, "B/cell-1-result")
	b.ReportMetric(last.heapPerCellFull, "B/cell-history-full")
	b.ReportMetric(float64(last.peakHeld), "peak-held")
}
