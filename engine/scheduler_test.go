package engine

import (
	"context"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// fakeRoute is a route whose own check returns a fixed result; probes never dial it.
type fakeRoute struct {
	spec     checks.RouteSpec
	checkErr *checks.Error
}

func (f fakeRoute) Spec() checks.RouteSpec                  { return f.spec }
func (f fakeRoute) Check(ctx context.Context) *checks.Error { return f.checkErr }
func (f fakeRoute) Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error) {
	return nil, checks.NewError(checks.FailUnknown, checks.OpConnect, "fake route does not dial")
}

// fakeProbe answers by target address: "ok:<ms>" works after that many ms of handshake,
// "fail:<failure>" fails at once, "hang" waits for the deadline.
type fakeProbe struct {
	mu          sync.Mutex
	behaviour   map[string]func(ctx context.Context) checks.TargetResult
	inFlight    map[string]int
	maxInFlight map[string]int
	globalNow   atomic.Int32
	globalMax   atomic.Int32
}

func newFakeProbe() *fakeProbe {
	return &fakeProbe{
		behaviour:   map[string]func(ctx context.Context) checks.TargetResult{},
		inFlight:    map[string]int{},
		maxInFlight: map[string]int{},
	}
}

func (f *fakeProbe) probe(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	route := r.Spec().Name
	f.mu.Lock()
	f.inFlight[route]++
	f.maxInFlight[route] = max(f.maxInFlight[route], f.inFlight[route])
	b := f.behaviour[route+"|"+t.Addr]
	if b == nil {
		b = f.behaviour[t.Addr]
	}
	f.mu.Unlock()
	g := f.globalNow.Add(1)
	for {
		m := f.globalMax.Load()
		if g <= m || f.globalMax.CompareAndSwap(m, g) {
			break
		}
	}
	defer func() {
		f.globalNow.Add(-1)
		f.mu.Lock()
		f.inFlight[route]--
		f.mu.Unlock()
	}()
	res := b(ctx)
	res.Target = t
	return res
}

func works(after time.Duration) func(ctx context.Context) checks.TargetResult {
	return func(ctx context.Context) checks.TargetResult {
		select {
		case <-time.After(after):
		case <-ctx.Done():
			return checks.TargetResult{Err: checks.Classify(checks.OpTLSHandshake, ctx.Err())}
		}
		return checks.TargetResult{OK: true, Phases: checks.Phases{Connect: after / 2, TLS: after / 2, Total: after}}
	}
}

func fails(failure, op string) func(ctx context.Context) checks.TargetResult {
	return func(ctx context.Context) checks.TargetResult {
		return checks.TargetResult{Err: checks.NewError(failure, op, "")}
	}
}

func hangs(ctx context.Context) checks.TargetResult {
	<-ctx.Done()
	return checks.TargetResult{Err: checks.Classify(checks.OpTLSHandshake, ctx.Err())}
}

func service(name string, targets ...checks.Target) checks.Service {
	return checks.Service{Name: name, Title: name, Targets: targets}
}

func chat(addr string) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr}
}
func web(addr string) checks.Target {
	return checks.Target{Role: checks.RoleWeb, Kind: checks.KindTLS, Addr: addr}
}

func collect(t *testing.T, s *Scheduler, only ...string) []checks.Event {
	t.Helper()
	var mu sync.Mutex
	var events []checks.Event
	s.Sweep(context.Background(), only, func(e checks.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	return events
}

func checksOf(events []checks.Event) map[string]checks.CheckResult {
	out := map[string]checks.CheckResult{}
	for _, e := range events {
		if e.Kind == checks.EventCheckDone {
			out[e.Check.Route+"/"+e.Check.Service] = e.Check
		}
	}
	return out
}

func routesOf(events []checks.Event) map[string]checks.RouteResult {
	out := map[string]checks.RouteResult{}
	for _, e := range events {
		if e.Kind == checks.EventRouteChecked {
			out[e.Route.Name] = e.Route
		}
	}
	return out
}

func TestSweepStreamsEachResultAsItCompletes(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["fast:443"] = works(time.Millisecond)
	release := make(chan struct{})
	fp.behaviour["slow:443"] = func(ctx context.Context) checks.TargetResult {
		<-release
		return checks.TargetResult{OK: true, Phases: checks.Phases{Connect: time.Millisecond}}
	}
	plan := checks.Plan{Services: []checks.Service{service("fast", chat("fast:443")), service("slow", chat("slow:443"))}}
	s, err := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan checks.Event, 16)
	done := make(chan struct{})
	go func() {
		s.Sweep(context.Background(), nil, func(e checks.Event) { events <- e })
		close(done)
	}()
	for {
		e := <-events
		if e.Kind == checks.EventCheckDone {
			if e.Check.Service != "fast" {
				t.Fatalf("first result is %q; the fast service should stream before the slow one ends", e.Check.Service)
			}
			break
		}
	}
	close(release)
	<-done
}

func TestRouteMechanismFailureMakesEveryServiceRouteDownOnce(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(time.Millisecond)
	plan := checks.Plan{Services: []checks.Service{service("wa", chat("a:443")), service("tg", chat("a:443"))}}
	authErr := checks.NewError(checks.FailProxyAuth, checks.OpProxyAuth, "")
	down := fakeRoute{spec: checks.RouteSpec{Name: "shop", Kind: checks.RouteSOCKS5}, checkErr: authErr}
	s, _ := newScheduler(plan, []Route{down}, fp.probe)
	events := collect(t, s)

	routeEvents := 0
	for _, e := range events {
		if e.Kind == checks.EventRouteChecked {
			routeEvents++
		}
	}
	if routeEvents != 1 {
		t.Fatalf("route reported %d times, want once", routeEvents)
	}
	rr := routesOf(events)["shop"]
	if rr.OK || rr.Reason != "socks5: proxy rejected the credentials" {
		t.Fatalf("route result = %+v", rr)
	}
	for _, key := range []string{"shop/wa", "shop/tg"} {
		c := checksOf(events)[key]
		if c.Verdict != checks.VerdictRouteDown || c.Reason != rr.Reason {
			t.Errorf("%s = %s %q, want route-down with the route's reason", key, c.Verdict, c.Reason)
		}
	}
	if fp.maxInFlight["shop"] != 0 {
		t.Error("services were probed through a route whose own check failed")
	}
}

func TestBlockedControlNeverHidesAWorkingRoute(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["control:443"] = fails(checks.FailConnectionReset, checks.OpTLSHandshake)
	fp.behaviour["good|wa:443"] = works(time.Millisecond)
	fp.behaviour["bad|wa:443"] = fails(checks.FailGenericTimeout, checks.OpTLSHandshake)
	fp.behaviour["tg:443"] = fails(checks.FailConnectionReset, checks.OpTLSHandshake)
	control := &checks.Target{Role: checks.RoleControl, Kind: checks.KindTLS, Addr: "control:443"}
	plan := checks.Plan{Services: []checks.Service{service("wa", chat("wa:443")), service("tg", chat("tg:443"))}}
	routes := []Route{
		fakeRoute{spec: checks.RouteSpec{Name: "good", Kind: checks.RouteSOCKS5, Control: control}},
		fakeRoute{spec: checks.RouteSpec{Name: "bad", Kind: checks.RouteSOCKS5, Control: control}},
	}
	s, _ := newScheduler(plan, routes, fp.probe)
	events := collect(t, s)
	rr, cr := routesOf(events), checksOf(events)

	if !rr["good"].OK {
		t.Errorf("route with a working service is down: %q", rr["good"].Reason)
	}
	if got := cr["good/wa"].Verdict; got != checks.VerdictOK {
		t.Errorf("good/wa = %s, want ok", got)
	}
	if got := cr["good/tg"].Verdict; got != checks.VerdictBlocked {
		t.Errorf("good/tg = %s, want blocked", got)
	}
	if rr["bad"].OK {
		t.Error("route whose control and every service fail is up")
	}
	want := "control and every service fail: TLS reset after ClientHello on control"
	if rr["bad"].Reason != want {
		t.Errorf("bad route reason = %q, want %q", rr["bad"].Reason, want)
	}
	for _, key := range []string{"bad/wa", "bad/tg"} {
		if cr[key].Verdict != checks.VerdictRouteDown {
			t.Errorf("%s = %s, want route-down", key, cr[key].Verdict)
		}
	}
}

func TestConcurrencyLimitsHoldGloballyAndPerRoute(t *testing.T) {
	fp := newFakeProbe()
	var targets []checks.Target
	for i := range 6 {
		addr := net.JoinHostPort("t", string(rune('a'+i)))
		fp.behaviour[addr] = works(5 * time.Millisecond)
		targets = append(targets, chat(addr))
	}
	plan := checks.Plan{
		Settings: checks.Settings{Concurrency: 5, PerRoute: 2},
		Services: []checks.Service{service("one", targets[:3]...), service("two", targets[3:]...)},
	}
	var routes []Route
	for _, name := range []string{"r1", "r2", "r3", "r4"} {
		routes = append(routes, fakeRoute{spec: checks.RouteSpec{Name: name, Kind: checks.RouteDirect}})
	}
	s, _ := newScheduler(plan, routes, fp.probe)
	collect(t, s)
	for route, m := range fp.maxInFlight {
		if m > 2 {
			t.Errorf("route %s had %d probes at once, limit 2", route, m)
		}
	}
	if m := fp.globalMax.Load(); m > 5 {
		t.Errorf("%d probes at once overall, limit 5", m)
	}
	if m := fp.globalMax.Load(); m < 2 {
		t.Errorf("only %d probe at once: routes were not checked concurrently", m)
	}
}

func TestCheckDeadlineBoundsAHangingTarget(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["hang:443"] = hangs
	fp.behaviour["ok:443"] = works(time.Millisecond)
	plan := checks.Plan{
		Settings: checks.Settings{Timeout: 150 * time.Millisecond},
		Services: []checks.Service{service("wa", chat("ok:443"), web("hang:443"))},
	}
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	start := time.Now()
	events := collect(t, s)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("sweep took %s with a 150ms check deadline", elapsed)
	}
	c := checksOf(events)["direct/wa"]
	if c.Verdict != checks.VerdictPartial {
		t.Fatalf("verdict = %s (%s), want partial", c.Verdict, c.Reason)
	}
	if c.Reason != "web blocked: TLS handshake timed out on hang" {
		t.Errorf("reason = %q", c.Reason)
	}
}

// A service queued on a busy route behind blackholed ones is never judged on the time it
// waited for a slot. With one slot per route, a 100 ms deadline and five hanging services
// ahead of it in the plan, each sweep measures only the first in line: the working service is
// never blocked — it is ok, or not measured (pending, not_measured) when the hanging ones
// kept the slot until the deadline — and it is measured ok within six sweeps, because a
// route's checks queue least recently measured first. A hanging service, whenever measured,
// is blocked.
func TestWaitingForASlotDoesNotCountAgainstTheCheckDeadline(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["ok:443"] = works(time.Millisecond)
	plan := checks.Plan{Settings: checks.Settings{Timeout: 100 * time.Millisecond, PerRoute: 1}}
	for i := range 5 {
		addr := net.JoinHostPort("hang"+string(rune('a'+i)), "443")
		fp.behaviour[addr] = hangs
		plan.Services = append(plan.Services, service("blocked"+string(rune('a'+i)), chat(addr)))
	}
	plan.Services = append(plan.Services, service("works", chat("ok:443")))
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	measured := map[string]int{}
	for sweep := 1; sweep <= 2*len(plan.Services); sweep++ {
		for name, c := range checksOf(collect(t, s)) {
			switch {
			case c.Verdict == checks.VerdictPending:
				if !c.Cause.NotMeasured() {
					t.Fatalf("sweep %d: %s is pending with %v, want not_measured", sweep, name, c.Cause)
				}
				continue
			case name == "direct/works" && c.Verdict != checks.VerdictOK:
				t.Fatalf("sweep %d: the working service queued behind hanging ones is %s (%s), want ok or not measured", sweep, c.Verdict, c.Reason)
			case name != "direct/works" && c.Verdict != checks.VerdictBlocked:
				t.Fatalf("sweep %d: hanging service %s is %s (%s), want blocked", sweep, name, c.Verdict, c.Reason)
			}
			measured[name]++
		}
		if sweep == len(plan.Services) && measured["direct/works"] == 0 {
			t.Fatalf("the working service was not measured in %d sweeps (measured: %v)", sweep, measured)
		}
	}
	for _, svc := range plan.Services {
		if measured["direct/"+svc.Name] == 0 {
			t.Errorf("%s was never measured in %d sweeps: %v", svc.Name, 2*len(plan.Services), measured)
		}
	}
}

// Waiting for lifeline's own capacity does not count against a check: with one probe at a
// time in all (concurrency 1), three routes whose one check each takes more than half the
// timeout all come out ok — each route's clock stopped while its check waited for the others'
// slot. Counted, the third would have been cut at its deadline.
func TestWaitingForTheGlobalPoolDoesNotCountAgainstTheDeadline(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(250 * time.Millisecond)
	plan := checks.Plan{
		Settings: checks.Settings{Timeout: 400 * time.Millisecond, Concurrency: 1},
		Services: []checks.Service{service("svc", chat("a:443"))},
	}
	var routes []Route
	for _, name := range []string{"one", "two", "three"} {
		routes = append(routes, fakeRoute{spec: checks.RouteSpec{Name: name, Kind: checks.RouteDirect}})
	}
	s, _ := newScheduler(plan, routes, fp.probe)
	for name, c := range checksOf(collect(t, s)) {
		if c.Verdict != checks.VerdictOK {
			t.Errorf("%s is %s (%s), want ok: its wait for the global slot counted against it", name, c.Verdict, c.Reason)
		}
	}
}

func TestSweepsNeverOverlap(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(20 * time.Millisecond)
	plan := checks.Plan{Services: []checks.Service{service("wa", chat("a:443"))}}
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	var mu sync.Mutex
	var order []checks.EventKind
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			s.Sweep(context.Background(), nil, func(e checks.Event) {
				mu.Lock()
				order = append(order, e.Kind)
				mu.Unlock()
			})
		})
	}
	wg.Wait()
	open := 0
	for _, k := range order {
		switch k {
		case checks.EventSweepStarted:
			open++
			if open > 1 {
				t.Fatalf("a sweep started before the previous one finished: %v", order)
			}
		case checks.EventSweepFinished:
			open--
		}
	}
}

func TestHistoryTravelsWithEachResult(t *testing.T) {
	fp := newFakeProbe()
	ok := true
	fp.behaviour["a:443"] = func(ctx context.Context) checks.TargetResult {
		if ok {
			return checks.TargetResult{OK: true, Phases: checks.Phases{Connect: 10 * time.Millisecond}}
		}
		return checks.TargetResult{Err: checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")}
	}
	plan := checks.Plan{Settings: checks.Settings{HistorySize: 3}, Services: []checks.Service{service("wa", chat("a:443"))}}
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	var last checks.CheckResult
	for i := range 5 {
		ok = i != 3
		last = checksOf(collect(t, s))["direct/wa"]
	}
	h := last.History
	if h.Samples != 3 {
		t.Fatalf("remembered %d results, want the last 3", h.Samples)
	}
	if h.Uptime < 0.66 || h.Uptime > 0.67 {
		t.Errorf("uptime = %.2f, want 2/3", h.Uptime)
	}
	if h.P50 != 10*time.Millisecond || h.LastFailed.IsZero() || h.LastChange.IsZero() {
		t.Errorf("stats = %+v", h)
	}
}

func TestMonitorRechecksOneRouteAndPauses(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(time.Millisecond)
	plan := checks.Plan{
		Settings: checks.Settings{Interval: time.Hour},
		Services: []checks.Service{service("wa", chat("a:443"))},
	}
	routes := []Route{
		fakeRoute{spec: checks.RouteSpec{Name: "r1", Kind: checks.RouteDirect}},
		fakeRoute{spec: checks.RouteSpec{Name: "r2", Kind: checks.RouteDirect}},
	}
	s, _ := newScheduler(plan, routes, fp.probe)
	ctx, cancel := context.WithCancel(context.Background())
	m := s.Start(ctx)

	next := func() checks.Event {
		select {
		case e := <-m.Events():
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
		return checks.Event{}
	}
	waitFinished := func() checks.Event {
		for {
			if e := next(); e.Kind == checks.EventSweepFinished {
				return e
			}
		}
	}
	first := waitFinished()
	if first.Next.IsZero() || time.Until(first.Next) < 59*time.Minute {
		t.Errorf("next sweep due %v, want an hour away", first.Next)
	}
	m.Recheck("r2")
	started := next()
	if started.Kind != checks.EventSweepStarted || len(started.Routes) != 1 || started.Routes[0] != "r2" {
		t.Fatalf("recheck started %+v, want a sweep of r2 only", started)
	}
	waitFinished()
	m.SetPaused(true)
	m.Recheck()
	if e := waitFinished(); !e.Next.IsZero() {
		t.Errorf("paused monitor announces a next sweep at %v", e.Next)
	}
	cancel()
	for range m.Events() {
	}
}

func TestObserversSeeEveryEventBeforeTheMonitorDeliversIt(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(time.Millisecond)
	plan := checks.Plan{Settings: checks.Settings{Interval: time.Hour}, Services: []checks.Service{service("wa", chat("a:443"))}}
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var observed []checks.EventKind
	m := s.Start(ctx, func(e checks.Event) {
		mu.Lock()
		defer mu.Unlock()
		observed = append(observed, e.Kind)
	})
	var delivered []checks.EventKind
	for e := range m.Events() {
		mu.Lock()
		seen := len(observed)
		mu.Unlock()
		if seen <= len(delivered) {
			t.Fatalf("event %d (%v) delivered before any observer saw it", len(delivered), e.Kind)
		}
		delivered = append(delivered, e.Kind)
		if e.Kind == checks.EventSweepFinished {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(observed[:len(delivered)], delivered) {
		t.Errorf("observers saw %v, the monitor delivered %v", observed, delivered)
	}
}
