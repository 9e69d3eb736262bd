package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

const benchDelay = 50 * time.Millisecond

// BenchmarkSweep50x4 compares one sweep of 50 routes × 4 services (every second route through a
// loopback SOCKS5 proxy) with the slowest single check, against loopback servers that hold
// their answer back by 50 ms. Metrics: x-slowest-check (sweep time ÷ slowest single check),
// allocs/check, peak-goroutines.
//
//   - tls: a TLS server whose handshake waits 50 ms. Both ends' handshake crypto runs on this
//     machine's cores, so the ratio includes the fixture's own CPU work.
//   - http_post: an HTTP server that answers after 50 ms; little CPU per probe, so the ratio
//     shows what the scheduler itself adds.
func BenchmarkSweep50x4(b *testing.B) {
	b.Run("tls", func(b *testing.B) {
		srv := fixture.StartTLS(b, fixture.TLSOptions{Cert: fixture.Leaf(b, "svc.lifeline.test"), HandshakeDelay: benchDelay})
		benchSweep(b, checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: srv.Addr, SNI: "svc.lifeline.test", RootCAs: fixture.Pool()})
	})
	b.Run("http_post", func(b *testing.B) {
		srv := fixture.StartHTTP(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(benchDelay)
			w.WriteHeader(http.StatusNotFound)
		}))
		benchSweep(b, checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: srv.Addr})
	})
}

func benchSweep(b *testing.B, target checks.Target) {
	const routes, services = 50, 4
	proxy := fixture.NewSOCKS5(b, fixture.SOCKS5Options{})
	plan := checks.Plan{Settings: checks.Settings{
		Timeout: 10 * time.Second, Concurrency: routes * services, PerRoute: services,
	}}
	for i := range routes {
		spec := checks.RouteSpec{Name: fmt.Sprintf("r%02d", i), Kind: checks.RouteDirect}
		if i%2 == 1 {
			spec.Kind, spec.Proxy = checks.RouteSOCKS5, proxy.URL()
		}
		plan.Routes = append(plan.Routes, spec)
	}
	for i := range services {
		plan.Services = append(plan.Services, checks.Service{Name: fmt.Sprintf("s%d", i), Targets: []checks.Target{target}})
	}
	s, err := engine.NewScheduler(plan)
	if err != nil {
		b.Fatal(err)
	}

	// The slowest single check: each route kind alone with one service, median of 5 runs.
	var slowest time.Duration
	for _, spec := range plan.Routes[:2] {
		single := plan
		single.Routes, single.Services = []checks.RouteSpec{spec}, plan.Services[:1]
		one, err := engine.NewScheduler(single)
		if err != nil {
			b.Fatal(err)
		}
		var runs []time.Duration
		for range 5 {
			d, _, ok := sweepOnce(one)
			if ok != 1 {
				b.Fatalf("the single check through %s did not work", spec.Name)
			}
			runs = append(runs, d)
		}
		slices.Sort(runs)
		slowest = max(slowest, runs[2])
	}

	peak := watchGoroutinePeak(2 * time.Millisecond)
	var total, inSweep time.Duration
	var mem0, mem1 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	b.ResetTimer()
	for b.Loop() {
		d, longest, ok := sweepOnce(s)
		if ok != routes*services {
			b.Fatalf("%d of %d checks worked", ok, routes*services)
		}
		total += d
		inSweep += longest
	}
	b.StopTimer()
	runtime.ReadMemStats(&mem1)
	peak.stop()
	b.ReportMetric(float64(total)/float64(b.N)/float64(slowest), "x-slowest-check")
	b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest-check-ms")
	// The same sweep against its own longest check: what scheduling adds on top of checks that
	// the shared cores already slow down.
	b.ReportMetric(float64(total)/float64(inSweep), "x-longest-in-sweep")
	b.ReportMetric(float64(mem1.Mallocs-mem0.Mallocs)/float64(b.N*routes*services), "allocs/check")
	b.ReportMetric(float64(peak.goroutines.Load()), "peak-goroutines")
}

// sweepOnce runs one sweep and returns its wall time, the longest check in it (from the
// check's start, slot waits included, to its end) and how many checks worked.
func sweepOnce(s *engine.Scheduler) (time.Duration, time.Duration, int) {
	ok := 0
	var longest time.Duration
	start := time.Now()
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone && e.Check.Verdict.Works() {
			ok++
			longest = max(longest, e.Check.Finished.Sub(e.Check.Started))
		}
	})
	return time.Since(start), longest, ok
}

// BenchmarkHostilePeer measures one check against each hostile peer through the scheduler:
// ns/op is how long the peer holds a check (bounded by the step or check deadline for the
// silent and dripping ones), B/op the bytes the whole process allocates meanwhile, fixture
// included, however much the peer offers.
func BenchmarkHostilePeer(b *testing.B) {
	for _, peer := range hostilelab.Peers(b) {
		b.Run(strings.ReplaceAll(peer.Name, " ", "_"), func(b *testing.B) {
			s := oneCheck(b, hostilelab.Settings, peer.Route, peer.Target)
			b.ReportAllocs()
			for b.Loop() {
				if got, _ := sweepOne(s); got.Verdict != peer.Verdict {
					b.Fatalf("verdict %s, want %s (%s)", got.Verdict, peer.Verdict, got.Reason)
				}
			}
		})
	}
}
