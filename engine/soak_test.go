package engine_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// soakLab is the schedulers' world: every route kind, all aimed at switches whose behaviour
// each sweep changes, so the same schedulers and histories live through every fault in turn.
type soakLab struct {
	// target serves routes that dial unbound sockets; ifaceTarget, on 127.0.0.2, the
	// interface routes bound to lo (see fixture.NewSwitchOn for why they are kept apart).
	target, ifaceTarget             *fixture.Switch
	socksFront, connectFront        *fixture.Switch
	good, foreign                   string // TLS servers: test CA, another CA
	socks, socksWrong, socksGarbage string
	conn, connWrong, connGarbage    string
	plan, ifacePlan                 checks.Plan // ifacePlan has no routes where lo cannot be bound
}

// soakFault is what one sweep meets and the verdict each route kind must then report.
type soakFault struct {
	name  string
	apply func(*soakLab)
	want  map[string]checks.Verdict // by route kind
}

const soakName = "chat.lifeline.test"

var soakFaults = []soakFault{
	{"healthy", func(l *soakLab) { l.setTarget(fixture.ForwardTo(l.good)) }, verdicts(checks.VerdictOK, checks.VerdictOK)},
	{"refused", func(l *soakLab) { l.target.Refuse(); l.ifaceTarget.Refuse() }, verdicts(checks.VerdictBlocked, checks.VerdictBlocked)},
	{"blackhole", func(l *soakLab) { l.setTarget(fixture.HoldSilent()) }, verdicts(checks.VerdictBlocked, checks.VerdictBlocked)},
	{"reset after ClientHello", func(l *soakLab) { l.setTarget(fixture.ResetAfter(1)) }, verdicts(checks.VerdictBlocked, checks.VerdictBlocked)},
	{"stall mid-handshake", func(l *soakLab) { l.setTarget(fixture.StallAfter(l.good, 64)) }, verdicts(checks.VerdictBlocked, checks.VerdictBlocked)},
	{"wrong CA", func(l *soakLab) { l.setTarget(fixture.ForwardTo(l.foreign)) }, verdicts(checks.VerdictBlocked, checks.VerdictBlocked)},
	{"proxy auth rejected", func(l *soakLab) {
		l.socksFront.Set(fixture.ForwardTo(l.socksWrong))
		l.connectFront.Set(fixture.ForwardTo(l.connWrong))
	}, verdicts(checks.VerdictOK, checks.VerdictRouteDown)},
	{"garbage proxy", func(l *soakLab) {
		l.socksFront.Set(fixture.ForwardTo(l.socksGarbage))
		l.connectFront.Set(fixture.ForwardTo(l.connGarbage))
	}, verdicts(checks.VerdictOK, checks.VerdictRouteDown)},
}

// holdsSlots names the faults that hold every probe until its step times out, keeping the
// route's slots busy: checks queued behind them may be not measured in that sweep
// (checks.FailNotMeasured), which is no verdict and so never a wrong one.
var holdsSlots = map[string]bool{"blackhole": true, "stall mid-handshake": true}

// verdicts: what routes that reach the target themselves (direct, interface) and proxy
// routes must report.
func verdicts(own, proxied checks.Verdict) map[string]checks.Verdict {
	return map[string]checks.Verdict{
		checks.RouteDirect: own, checks.RouteInterface: own,
		checks.RouteSOCKS5: proxied, checks.RouteHTTP: proxied,
	}
}

// setTarget gives both target switches behaviour b.
func (l *soakLab) setTarget(b fixture.Behaviour) {
	l.target.Set(b)
	l.ifaceTarget.Set(b)
}

// heal puts every switch back to its healthy behaviour before the next fault.
func (l *soakLab) heal() {
	l.setTarget(fixture.ForwardTo(l.good))
	l.socksFront.Set(fixture.ForwardTo(l.socks))
	l.connectFront.Set(fixture.ForwardTo(l.conn))
}

func newSoakLab(t *testing.T, perKind, services int, settings checks.Settings) *soakLab {
	t.Helper()
	good := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, soakName)})
	control := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "control.lifeline.test")})
	l := &soakLab{
		good:         good.Addr,
		foreign:      fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.ForeignLeaf(t, soakName)}).Addr,
		socks:        fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: "soak", Password: "pw"}).Addr,
		socksWrong:   fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: "soak", Password: "other"}).Addr,
		socksGarbage: fixture.NewSOCKS5(t, fixture.SOCKS5Options{Mode: fixture.SOCKSGarbageGreeting}).Addr,
		conn:         fixture.NewConnect(t, fixture.ConnectOptions{User: "soak", Password: "pw"}).Addr,
		connWrong:    fixture.NewConnect(t, fixture.ConnectOptions{User: "soak", Password: "other"}).Addr,
		connGarbage:  fixture.NewConnect(t, fixture.ConnectOptions{Mode: fixture.ConnectGarbage}).Addr,
	}
	l.target = fixture.NewSwitch(t, fixture.ForwardTo(l.good))
	l.ifaceTarget = fixture.NewSwitchOn(t, "127.0.0.2", fixture.ForwardTo(l.good))
	l.socksFront = fixture.NewSwitch(t, fixture.ForwardTo(l.socks))
	l.connectFront = fixture.NewSwitch(t, fixture.ForwardTo(l.conn))

	ctrl := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: control.Addr, SNI: "control.lifeline.test", RootCAs: fixture.Pool()}
	kinds := []checks.RouteSpec{
		{Kind: checks.RouteDirect},
		{Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: l.socksFront.Addr(), User: url.UserPassword("soak", "pw")}},
		{Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: l.connectFront.Addr(), User: url.UserPassword("soak", "pw")}},
	}
	l.plan = soakPlan(settings, kinds, perKind, services, ctrl, l.target.Addr())
	if why := loopbackInterfaceUnusable(t); why != "" {
		t.Logf("interface routes left out: %s", why)
	} else {
		ifaceCtrl := ctrl
		ifaceCtrl.Addr = fixture.NewSwitchOn(t, "127.0.0.2", fixture.ForwardTo(control.Addr)).Addr()
		lo := checks.RouteSpec{Kind: checks.RouteInterface, Interface: "lo", DNS: fixture.NewDNS(t, nil).Addr}
		l.ifacePlan = soakPlan(settings, []checks.RouteSpec{lo}, perKind, services, ifaceCtrl, l.ifaceTarget.Addr())
	}
	return l
}

// soakPlan is perKind routes of each kind, all with control ctrl, and services that each
// check one TLS target at addr.
func soakPlan(settings checks.Settings, kinds []checks.RouteSpec, perKind, services int, ctrl checks.Target, addr string) checks.Plan {
	plan := checks.Plan{Settings: settings}
	for _, k := range kinds {
		for i := range perKind {
			spec := k
			spec.Name = fmt.Sprintf("%s-%d", k.Kind, i)
			spec.Control = &ctrl
			plan.Routes = append(plan.Routes, spec)
		}
	}
	for i := range services {
		plan.Services = append(plan.Services, checks.Service{
			Name:    fmt.Sprintf("svc%d", i),
			Targets: []checks.Target{{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: soakName, RootCAs: fixture.Pool()}},
		})
	}
	return plan
}

// loopbackInterfaceUnusable says why an interface route on lo cannot carry traffic here, or "".
func loopbackInterfaceUnusable(t *testing.T) string {
	r, err := engine.NewRoute(checks.RouteSpec{Name: "lo", Kind: checks.RouteInterface, Interface: "lo", DNS: "127.0.0.1:53"})
	if err != nil {
		return err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.Check(ctx); err != nil {
		return err.Error()
	}
	conn, err := r.Dial(ctx, fixture.Echo(t), nil)
	if err != nil {
		return err.Error()
	}
	conn.Close()
	return ""
}

// soakFigures are what a soak run reports.
type soakFigures struct {
	sweeps, checks, faults    int
	peakGoroutines, peakFDs   int64
	baseGoroutines, baseFDs   int
	heapStart, heapPlateau    uint64
	heapEnd, peakRSS          uint64
	leaks                     []string
	wrong, notMeasured        int
	took                      time.Duration
	historySize, routes, svcs int
}

func (f soakFigures) String() string {
	return fmt.Sprintf("soak: %d sweeps, %d checks (%d routes × %d services), %d faults injected, %d wrong verdicts, %d not measured, in %s\n"+
		"soak: goroutines baseline %d peak %d; open fds baseline %d (pipes aside) peak %d (all); peak RSS (VmHWM) %.1f MiB\n"+
		"soak: heap after GC %.2f MiB at start, %.2f MiB once history was full (%d results/cell), %.2f MiB at the end\n"+
		"soak: leaks found: %d",
		f.sweeps, f.checks, f.routes, f.svcs, f.faults, f.wrong, f.notMeasured, f.took.Round(time.Millisecond),
		f.baseGoroutines, f.peakGoroutines, f.baseFDs, f.peakFDs, float64(f.peakRSS)/(1<<20),
		mib(f.heapStart), mib(f.heapPlateau), f.historySize, mib(f.heapEnd), len(f.leaks))
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// TestSoakRotatingFaultsLeaveNoGoroutinesDescriptorsOrHeapBehind runs the same schedulers (one
// for direct and proxy routes, one for interface routes on lo) through sweep after sweep, every route kind meeting a different fault each time, and asserts what a
// user leaving lifeline running for days relies on: every check still gets the right verdict,
// goroutines and open descriptors return to where they were after every sweep, and the heap
// stops growing once the history is full. LIFELINE_SOAK=10m runs it for that long instead of
// about 2000 checks (see scripts/soak.sh).
func TestSoakRotatingFaultsLeaveNoGoroutinesDescriptorsOrHeapBehind(t *testing.T) {
	if openFDs() < 0 {
		t.Skip("no /proc/self/fd here: descriptors cannot be counted")
	}
	long, err := soakDuration()
	if err != nil {
		t.Fatal(err)
	}
	settings := checks.Settings{
		StepTimeout: 400 * time.Millisecond, Timeout: time.Second,
		Concurrency: 16, PerRoute: 4, HistorySize: 16,
	}
	if long > 0 {
		settings.HistorySize = checks.DefaultHistorySize
	}
	lab := newSoakLab(t, 2, 6, settings)
	// Timeouts from a baseline measured in this run: a healthy sweep with generous timeouts
	// shows what every step costs on this machine right now (the race detector, other jobs on
	// the same cores). The faults' verdicts must come from the faults, not from a healthy
	// handshake starved of CPU past a fixed 400 ms.
	healthy := soakCalibrate(t, lab)
	// Load comes in spikes: 8× the healthy sweep is the margin, capped at 3 s a step so that
	// the faults that wait out a deadline (blackhole, stall) keep the run within minutes.
	// Slowness is not among the faults, so no latency is judged slow here: a starved healthy
	// handshake is not "slow".
	settings.StepTimeout = max(settings.StepTimeout, min(8*healthy, 3*time.Second))
	settings.Timeout = max(settings.Timeout, settings.StepTimeout*5/2)
	settings.Slow = time.Hour
	settleBound := max(3*time.Second, 10*healthy)
	lab.plan.Settings, lab.ifacePlan.Settings = settings, settings
	t.Logf("a healthy sweep took %s: step timeout %s, check timeout %s", healthy.Round(time.Millisecond), settings.StepTimeout, settings.Timeout)
	var schedulers []*engine.Scheduler
	for _, plan := range []checks.Plan{lab.plan, lab.ifacePlan} {
		if len(plan.Routes) == 0 {
			continue
		}
		s, err := engine.NewScheduler(plan)
		if err != nil {
			t.Fatal(err)
		}
		schedulers = append(schedulers, s)
	}
	fig := soakFigures{historySize: settings.HistorySize, routes: len(lab.plan.Routes) + len(lab.ifacePlan.Routes), svcs: len(lab.plan.Services)}
	perSweep := fig.routes * fig.svcs
	sweep := func(emit func(checks.Event)) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, s := range schedulers {
			wg.Go(func() {
				s.Sweep(context.Background(), nil, func(e checks.Event) {
					mu.Lock()
					defer mu.Unlock()
					emit(e)
				})
			})
		}
		wg.Wait()
	}
	wantChecks := 2000

	// One healthy sweep first: what stays alive after it (fixtures, idle resolver state) is
	// the baseline every later sweep must return to.
	watch := watchPeaks(5 * time.Millisecond)
	defer watch.stop()
	lab.heal()
	gcPercent := debug.SetGCPercent(-1)
	sweep(func(checks.Event) {})
	debug.SetGCPercent(gcPercent)
	fig.baseGoroutines, fig.baseFDs = steadyCounts(300*time.Millisecond, max(5*time.Second, 4*healthy))
	fig.heapStart = heapAfterGC()

	start := time.Now()
	for i := 0; ; i++ {
		if long > 0 && time.Since(start) >= long {
			break
		}
		if long == 0 && fig.checks >= wantChecks {
			break
		}
		fault := soakFaults[i%len(soakFaults)]
		lab.heal()
		fault.apply(lab)
		if fault.name != "healthy" {
			fig.faults++
		}
		// No collection between the sweep and the count: the finalizer of a socket dropped
		// without Close would otherwise close it and hide the leak.
		runtime.GC()
		gcPercent := debug.SetGCPercent(-1)
		got := 0
		measuredOn := map[string]bool{}
		sweep(func(e checks.Event) {
			if e.Kind != checks.EventCheckDone {
				return
			}
			got++
			if e.Check.Cause.NotMeasured() && holdsSlots[fault.name] {
				fig.notMeasured++
				return
			}
			measuredOn[e.Check.Route] = true
			kind := strings.SplitN(e.Check.Route, "-", 2)[0]
			if want := fault.want[kind]; e.Check.Verdict != want {
				fig.wrong++
				if fig.wrong <= 10 {
					t.Errorf("sweep %d (%s): %s × %s is %s (%s), want %s", i+1, fault.name, e.Check.Route, e.Check.Service, e.Check.Verdict, e.Check.Reason, want)
				}
			}
		})
		fig.sweeps++
		fig.checks += got
		if got != perSweep {
			t.Fatalf("sweep %d (%s) reported %d checks, want %d", i+1, fault.name, got, perSweep)
		}
		if len(measuredOn) != fig.routes {
			// The first check in each route's line always runs.
			t.Errorf("sweep %d (%s): checks measured on %d of %d routes", i+1, fault.name, len(measuredOn), fig.routes)
		}
		lab.heal() // a refusing switch must listen again before descriptors are counted
		if g, f, ok := settle(fig.baseGoroutines, fig.baseFDs, settleBound); !ok {
			leak := fmt.Sprintf("after sweep %d (%s): %d goroutines (baseline %d), %d open fds (baseline %d)", i+1, fault.name, g, fig.baseGoroutines, f, fig.baseFDs)
			fig.leaks = append(fig.leaks, leak)
			if len(fig.leaks) == 1 {
				buf := make([]byte, 1<<20)
				t.Errorf("%s\n%s", leak, buf[:runtime.Stack(buf, true)])
			}
		}
		debug.SetGCPercent(gcPercent)
		if len(fig.leaks) >= 3 {
			break // each leaky sweep waits out the settle bound; three make the point
		}
		if fig.sweeps == settings.HistorySize {
			fig.heapPlateau = heapAfterGC()
		}
	}
	fig.took = time.Since(start)
	watch.stop()
	fig.peakGoroutines, fig.peakFDs = watch.goroutines.Load(), watch.fds.Load()
	fig.heapEnd = heapAfterGC()
	fig.peakRSS = peakRSS()
	t.Log("\n" + fig.String())

	if len(fig.leaks) > 0 {
		t.Errorf("%d sweeps did not return to the baseline; first: %s", len(fig.leaks), fig.leaks[0])
	}
	if fig.heapPlateau == 0 {
		t.Fatalf("only %d sweeps ran; the history (%d) never filled", fig.sweeps, settings.HistorySize)
	}
	// Once every cell holds its full history nothing should grow with the number of sweeps.
	// The bound is generous (half as much again plus 4 MiB) because GC timing and the race
	// detector's shadow memory move the figure by a few hundred KiB between runs.
	if limit := fig.heapPlateau + fig.heapPlateau/2 + 4<<20; fig.heapEnd > limit {
		t.Errorf("heap after GC grew from %.2f MiB (history full) to %.2f MiB after %d sweeps", mib(fig.heapPlateau), mib(fig.heapEnd), fig.sweeps)
	}
}

// soakCalibrate times one healthy sweep of the lab's plans with generous timeouts, on
// schedulers of their own, and fails if any check of it is not ok.
func soakCalibrate(t *testing.T, lab *soakLab) time.Duration {
	t.Helper()
	lab.heal()
	var slowest time.Duration
	for _, plan := range []checks.Plan{lab.plan, lab.ifacePlan} {
		if len(plan.Routes) == 0 {
			continue
		}
		plan.Settings.StepTimeout, plan.Settings.Timeout = 10*time.Second, 20*time.Second
		s, err := engine.NewScheduler(plan)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		s.Sweep(context.Background(), nil, func(e checks.Event) {
			if e.Kind == checks.EventCheckDone && e.Check.Verdict != checks.VerdictOK {
				t.Fatalf("calibration: healthy %s × %s is %s (%s)", e.Check.Route, e.Check.Service, e.Check.Verdict, e.Check.Reason)
			}
		})
		slowest = max(slowest, time.Since(start))
	}
	return slowest
}

// soakDuration reads LIFELINE_SOAK (e.g. 10m); zero means the short run.
func soakDuration() (time.Duration, error) {
	v := os.Getenv("LIFELINE_SOAK")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("LIFELINE_SOAK=%q: want a duration such as 10m", v)
	}
	return d, nil
}
