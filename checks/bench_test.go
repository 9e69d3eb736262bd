package checks_test

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// benchPlan is routes × services against one loopback TLS server whose handshake takes delay;
// every second route goes through a loopback SOCKS5 proxy.
func benchPlan(b *testing.B, routes, services int, delay time.Duration) checks.Plan {
	srv := fixture.StartTLS(b, fixture.TLSOptions{Cert: fixture.Leaf(b, "svc.lifeline.test"), HandshakeDelay: delay})
	proxy := fixture.NewSOCKS5(b, fixture.SOCKS5Options{})
	plan := checks.Plan{Settings: checks.Settings{
		Timeout: 10 * time.Second, Concurrency: routes * services * 2, PerRoute: services * 2,
	}}
	for i := range routes {
		spec := checks.RouteSpec{Name: fmt.Sprintf("r%02d", i), Kind: checks.RouteDirect}
		if i%2 == 1 {
			spec.Kind, spec.Proxy = checks.RouteSOCKS5, &url.URL{Scheme: "socks5", Host: proxy.Addr}
		}
		plan.Routes = append(plan.Routes, spec)
	}
	for i := range services {
		target := func(role string) checks.Target {
			return checks.Target{Role: role, Kind: checks.KindTLS, Addr: srv.Addr, SNI: "svc.lifeline.test", RootCAs: fixture.Pool()}
		}
		plan.Services = append(plan.Services, checks.Service{
			Name: fmt.Sprintf("s%d", i), Targets: []checks.Target{target(checks.RoleChat)},
		})
	}
	return plan
}

func sweepOnce(b *testing.B, s *checks.Scheduler, only ...string) (time.Duration, int) {
	ok := 0
	start := time.Now()
	s.Sweep(context.Background(), only, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone && e.Check.Verdict.Works() {
			ok++
		}
	})
	return time.Since(start), ok
}

// BenchmarkSweep50x4 compares one sweep of 50 routes × 4 services with the slowest single
// check, each against a TLS server whose handshake is delayed by 50 ms. Reported metrics:
// x-slowest-check (sweep time ÷ slowest single check; the goal is ≤ 1.3), allocs/check and
// peak-goroutines.
func BenchmarkSweep50x4(b *testing.B) {
	const routes, services = 50, 4
	plan := benchPlan(b, routes, services, 50*time.Millisecond)
	s, err := checks.NewScheduler(plan)
	if err != nil {
		b.Fatal(err)
	}

	// The slowest single check: each route kind alone with one service, median of 5.
	var slowest time.Duration
	for _, route := range []string{"r00", "r01"} {
		single := plan
		single.Services = plan.Services[:1]
		for _, r := range plan.Routes {
			if r.Name == route {
				single.Routes = []checks.RouteSpec{r}
			}
		}
		one, _ := checks.NewScheduler(single)
		var runs []time.Duration
		for range 5 {
			d, ok := sweepOnce(b, one)
			if ok != 1 {
				b.Fatalf("single check through %s did not work", route)
			}
			runs = append(runs, d)
		}
		sort.Slice(runs, func(i, j int) bool { return runs[i] < runs[j] })
		slowest = max(slowest, runs[2])
	}

	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if n := int64(runtime.NumGoroutine()); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()

	var total time.Duration
	var mem0, mem1 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	b.ResetTimer()
	for b.Loop() {
		d, ok := sweepOnce(b, s)
		if ok != routes*services {
			b.Fatalf("%d of %d checks worked", ok, routes*services)
		}
		total += d
	}
	b.StopTimer()
	runtime.ReadMemStats(&mem1)
	close(stop)
	mean := total / time.Duration(b.N)
	b.ReportMetric(float64(mean)/float64(slowest), "x-slowest-check")
	b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest-check-ms")
	b.ReportMetric(float64(mem1.Mallocs-mem0.Mallocs)/float64(b.N*routes*services), "allocs/check")
	b.ReportMetric(float64(peak.Load()), "peak-goroutines")
}
