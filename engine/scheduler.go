package engine

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"golang.org/x/sync/semaphore"
)

// Scheduler runs sweeps: every route × service of a plan, concurrently, within the plan's
// global and per-route limits, streaming each result as it completes.
type Scheduler struct {
	planMu   sync.RWMutex // guards plan against Replace for readers outside a sweep
	plan     checks.Plan
	routes   []Route
	history  *checks.History
	probe    ProbeFunc
	global   *semaphore.Weighted
	perRoute map[string]*semaphore.Weighted

	poolsMu sync.Mutex
	pools   map[poolKey]*x509.CertPool

	sweepMu sync.Mutex // sweeps never overlap, and Replace waits for a running one
	sweeps  atomic.Uint64
	warm    sync.Once
	roots   sync.Once // the system trust store has been read (trust.go)
	// loadRoots reads the system trust store (loadSystemRoots).
	loadRoots func()

	dnsTamper *dnsTamperChecker // nil when DNS comparison is off
	egress    *egressTracker
	transfers *transferMemory
	rotation  *rotationMemory
	measured  *measuredOrder // which of a route's checks queue first (queueorder.go)
	cpu       *CPUGate       // paces TLS handshakes and limits probes in flight (cpugate.go, adaptivelimit.go)
}

// NewScheduler builds the routes of plan; zero settings take their defaults.
func NewScheduler(plan checks.Plan) (*Scheduler, error) {
	var routes []Route
	for _, spec := range plan.Routes {
		r, err := NewRoute(spec)
		if err != nil {
			return nil, err
		}
		routes = append(routes, r)
	}
	return newScheduler(plan, routes, Probe)
}

func newScheduler(plan checks.Plan, routes []Route, probe ProbeFunc) (*Scheduler, error) {
	plan = completePlan(plan)
	s := &Scheduler{
		plan:      plan,
		routes:    routes,
		history:   checks.NewHistory(plan.Settings.HistorySize),
		probe:     probe,
		global:    semaphore.NewWeighted(int64(plan.Settings.Concurrency)),
		perRoute:  map[string]*semaphore.Weighted{},
		pools:     map[poolKey]*x509.CertPool{},
		cpu:       NewCPUGate(),
		loadRoots: loadSystemRoots,
	}
	s.cpu.ceiling = func() int { return s.plan.Settings.Concurrency }
	s.dnsTamper = newDNSTamperChecker(plan.Extra.DNSCompare, plan.Settings.StepTimeout)
	s.egress = newEgressTracker(plan.Extra, plan.Settings.StepTimeout)
	s.transfers = newTransferMemory(plan.Transfer, plan.Settings.Interval)
	s.rotation = newRotationMemory()
	s.measured = newMeasuredOrder()
	for _, r := range routes {
		name := r.Spec().Name
		if _, dup := s.perRoute[name]; dup {
			return nil, fmt.Errorf("route %q is defined twice", name)
		}
		s.perRoute[name] = semaphore.NewWeighted(int64(plan.Settings.PerRoute))
	}
	return s, nil
}

// completePlan fills in defaults and caps the concurrency by the open-file limit, the same
// way for the first plan and for every reloaded one.
func completePlan(plan checks.Plan) checks.Plan {
	plan = plan.WithDefaults()
	plan.Settings.Concurrency = concurrencyWithin(plan.Settings.Concurrency, openFileLimit())
	return plan
}

// Plan is what the scheduler runs, with defaults filled in and the concurrency capped by the
// open-file limit.
func (s *Scheduler) Plan() checks.Plan {
	s.planMu.RLock()
	defer s.planMu.RUnlock()
	return s.plan
}

// History is the per-cell record of past results.
func (s *Scheduler) History() *checks.History { return s.history }

// Sweep runs every check of the routes named in only (all routes when only is empty) once and
// returns the sweep's number. emit receives the events one at a time, in order, as they happen;
// it must not block for long. A sweep started while another runs waits for it.
func (s *Scheduler) Sweep(ctx context.Context, only []string, emit func(checks.Event)) uint64 {
	s.sweepMu.Lock()
	defer s.sweepMu.Unlock()
	s.warm.Do(s.warmUp)
	n := s.sweeps.Add(1)

	var emitMu sync.Mutex
	send := func(e checks.Event) {
		emitMu.Lock()
		defer emitMu.Unlock()
		e.Sweep = n
		if e.At.IsZero() {
			e.At = time.Now()
		}
		emit(e)
	}

	var selected []Route
	var names []string
	for _, r := range s.routes {
		if len(only) == 0 || slices.Contains(only, r.Spec().Name) {
			selected = append(selected, r)
			names = append(names, r.Spec().Name)
		}
	}
	send(checks.Event{Kind: checks.EventSweepStarted, Routes: names})
	var wg sync.WaitGroup
	for _, r := range selected {
		wg.Go(func() { s.sweepRoute(ctx, n, r, send) })
	}
	wg.Wait()
	send(checks.Event{Kind: checks.EventSweepFinished})
	return n
}

// sweepRoute checks the route's own mechanism, then its control and services concurrently.
// When the control fails, service results are held until all are in: if every service failed
// too, the route is down; otherwise the control alone was blocked and the route stands.
func (s *Scheduler) sweepRoute(ctx context.Context, n uint64, r Route, send func(checks.Event)) {
	spec := r.Spec()
	routeResult := checks.RouteResult{Name: spec.Name, Kind: spec.Kind, Sweep: n}

	clock := newRouteClock(s.plan.Settings.Timeout)
	var mechErr *checks.Error
	queue, stopQueue := clock.until(ctx, 0)
	if slot, _ := s.reserve(ctx, queue, clock, spec.Name, 1, false); slot != nil {
		end := time.Now().Add(s.plan.Settings.StepTimeout)
		if d := clock.deadline(); d.Before(end) {
			end = d
		}
		stepCtx, cancel := context.WithDeadline(ctx, end)
		mechErr = r.Check(stepCtx)
		cancel()
		slot.release()
	} else if ctx.Err() == nil {
		mechErr = checks.NewError(checks.FailGenericTimeout, checks.OpConnect, "deadline passed before the route could be checked")
	}
	stopQueue()
	if mechErr == nil && ctx.Err() != nil {
		mechErr = checks.Classify(checks.OpConnect, ctx.Err())
	}
	if mechErr.Internal() {
		// lifeline failed itself (out of descriptors or memory): nothing is known about the
		// route, so its state is left as it was and its services stay unknown.
		for _, svc := range s.plan.Services {
			now := time.Now()
			s.emitCheck(send, checks.CheckResult{
				Route: spec.Name, Service: svc.Name, Sweep: n, Verdict: checks.VerdictPending,
				Reason: mechErr.Human(""), Cause: mechErr, Started: now, Finished: now,
			})
		}
		return
	}
	if mechErr != nil {
		routeResult.Err = mechErr
		routeResult.Reason = routeReason(spec, mechErr)
		routeResult.Checked = time.Now()
		send(checks.Event{Kind: checks.EventRouteChecked, Route: routeResult})
		for _, svc := range s.plan.Services {
			now := time.Now()
			s.emitCheck(send, checks.CheckResult{
				Route: spec.Name, Service: svc.Name, Sweep: n, Verdict: checks.VerdictRouteDown,
				Reason: routeResult.Reason, Cause: mechErr, Started: now, Finished: now,
			})
		}
		return
	}

	egress := s.startEgress(ctx, r)
	results := make(chan checks.CheckResult)
	control := make(chan checks.TargetResult, 1)
	controlPending := spec.Control != nil
	services := s.measured.order(spec.Name, s.plan.Services)
	turns := queueTurns(len(services) + 1) // the control first
	if controlPending {
		go func() {
			results, _ := s.probeAll(ctx, r, []checks.Target{*spec.Control}, window{clock: clock, turn: turns[0]})
			control <- results[0]
		}()
	} else {
		turns[0].pass()
	}
	for i, svc := range services {
		go func() { results <- s.runCheck(ctx, n, r, svc, clock, turns[i+1]) }()
	}

	// Results stream once the route is proven to carry traffic: by its own check alone for
	// direct, interface and SOCKS5 routes without a control; otherwise by a working control or
	// target (an HTTP proxy checks credentials only when asked to CONNECT). Until then they are
	// held, so that a dead route is reported once as down rather than as blocked services.
	proven := !controlPending && spec.Kind != checks.RouteHTTP
	// On the direct route a failing control may mean an allowlist: results wait for the
	// domestic references, so the route is named once, rightly.
	watchAllowlist := s.watchesAllowlist(spec)
	var held []checks.CheckResult
	routeSent := false
	release := func() {
		if !proven || watchAllowlist && (controlPending || !routeResult.Control.OK) {
			return
		}
		if !controlPending && !routeSent {
			routeResult.OK, routeResult.Reason = true, upReason(spec, routeResult.Control)
			routeResult.Egress = egress()
			routeResult.Checked = time.Now()
			send(checks.Event{Kind: checks.EventRouteChecked, Route: routeResult})
			routeSent = true
		}
		for _, c := range held {
			s.emitCheck(send, c)
		}
		held = nil
	}
	release()
	for remaining := len(s.plan.Services); remaining > 0 || controlPending; {
		select {
		case res := <-control:
			controlPending = false
			routeResult.Control = &res
			proven = proven || provesRoute(spec, res)
		case c := <-results:
			remaining--
			if !c.Cause.NotMeasured() {
				s.measured.done(spec.Name, c.Service, n)
			}
			proven = proven || slices.ContainsFunc(c.Targets, func(t checks.TargetResult) bool { return provesRoute(spec, t) })
			held = append(held, c)
		}
		release()
	}
	if ownFailure(held, routeResult.Control) {
		// The evidence about the route includes lifeline's own failure (out of descriptors or
		// memory): no route state (down, offline, allowlist) may rest on it. A route proven by
		// a working service is up; otherwise it keeps its state, and each service its verdict.
		if proven {
			watchAllowlist = false
			release()
			return
		}
		for _, c := range held {
			s.emitCheck(send, c)
		}
		return
	}
	if watchAllowlist && !routeResult.Control.OK {
		routeResult.Domestic = s.checkDomestic(ctx, r, clock)
		if s.judgeAllowlist(&routeResult, held) {
			routeResult.Egress = egress()
			routeResult.Checked = time.Now()
			send(checks.Event{Kind: checks.EventRouteChecked, Route: routeResult})
			for _, c := range held {
				s.emitCheck(send, c)
			}
			return
		}
		watchAllowlist = false
		release()
	}
	if proven {
		return
	}
	if cause, ok := offline(spec, routeResult, held); ok {
		routeResult.State, routeResult.Err, routeResult.Reason = checks.RouteOffline, cause, offlineReason(cause)
		routeResult.Checked = time.Now()
		send(checks.Event{Kind: checks.EventRouteChecked, Route: routeResult})
		for _, c := range held {
			c.Verdict, c.Reason, c.Cause, c.Latency = checks.VerdictRouteDown, routeResult.Reason, cause, 0
			s.emitCheck(send, c)
		}
		return
	}

	// Nothing passed through the route. It is down if the proxy refused our credentials or if
	// the control failed as well as every service; otherwise the services are blocked.
	routeResult.Checked = time.Now()
	down := proxyAuthFailure(held, routeResult.Control)
	if down != nil {
		routeResult.Reason = routeReason(spec, down)
	} else if ctrl := routeResult.Control; ctrl != nil && slices.ContainsFunc(held, measured) {
		down = ctrl.Err
		routeResult.Reason = "control and every service fail: " + ctrl.Err.Human(ctrl.Target.Host())
		if (spec.Kind == checks.RouteSOCKS5 || spec.Kind == checks.RouteHTTP) && silentAfterGrant(held, ctrl) {
			routeResult.Reason = "the proxy grants every connection but nothing comes back " +
				"(its upstream, such as a tunnel's server, is unreachable?): " + ctrl.Err.Human(ctrl.Target.Host())
		}
	}
	if down != nil {
		routeResult.Err = down
		for i := range held {
			held[i].Verdict, held[i].Reason, held[i].Cause, held[i].Latency = checks.VerdictRouteDown, routeResult.Reason, down, 0
		}
	} else {
		routeResult.OK, routeResult.Reason = true, upReason(spec, routeResult.Control)
		routeResult.Egress = egress()
	}
	send(checks.Event{Kind: checks.EventRouteChecked, Route: routeResult})
	for _, c := range held {
		s.emitCheck(send, c)
	}
}

// warmUp starts reading the system trust store in the background when some target or
// route will verify against it (see trust.go).
func (s *Scheduler) warmUp() {
	needs := false
	for _, r := range s.plan.Routes {
		needs = needs || len(r.CAs) > 0 || (r.Control != nil && needsSystemRoots(*r.Control))
	}
	for _, svc := range s.plan.Services {
		needs = needs || slices.ContainsFunc(svc.Targets, needsSystemRoots)
	}
	if needs {
		ready := make(chan struct{})
		s.cpu.ready = ready
		go func() {
			s.systemRootsReady()
			close(ready)
		}()
	}
}

// upReason says why a working route counts as up.
func upReason(spec checks.RouteSpec, control *checks.TargetResult) string {
	switch {
	case control == nil:
		return spec.Kind + " route up"
	case control.OK:
		return "control " + control.Target.Host() + " in " + checks.ShortDuration(checks.ReadyTime(*control))
	}
	return "control failed (" + control.Err.Human(control.Target.Host()) + ") but services work"
}

// proxyAuthFailure returns the proxy's refusal of our credentials when every failed probe
// through the route met it, nil otherwise.
func proxyAuthFailure(results []checks.CheckResult, control *checks.TargetResult) *checks.Error {
	var auth *checks.Error
	var other bool
	note := func(t checks.TargetResult) {
		switch {
		case t.Err == nil:
		case t.Err.Failure == checks.FailProxyAuth:
			auth = t.Err
		default:
			other = true
		}
	}
	for _, c := range results {
		for _, t := range c.Targets {
			note(t)
		}
	}
	if control != nil {
		note(*control)
	}
	if other {
		return nil
	}
	return auth
}

// ownFailure is true when the control or a service failed for lifeline's own reasons (out of
// descriptors or memory, checks.FailInternal), or the control was not measured.
func ownFailure(held []checks.CheckResult, control *checks.TargetResult) bool {
	if control != nil && (control.Err.Internal() || control.Err.NotMeasured()) {
		return true
	}
	return slices.ContainsFunc(held, func(c checks.CheckResult) bool { return c.Cause.Internal() })
}

// provesRoute reports whether t, measured now, shows the route carries traffic: an answer
// from the far end. A TCP connect through a proxy shows only that the proxy granted it, as a
// tunnel client does at once whether or not its server is reachable.
func provesRoute(spec checks.RouteSpec, t checks.TargetResult) bool {
	if !t.OK || isCarriedOver(t) {
		return false
	}
	proxy := spec.Kind == checks.RouteSOCKS5 || spec.Kind == checks.RouteHTTP
	return !(proxy && t.Target.Kind == checks.KindTCP)
}

// silentAfterGrant reports whether every failure through a proxy came after the proxy had
// granted the connection, as silence or a hang-up: the mark of a local tunnel client that
// answers CONNECT at once and then cannot reach its own server.
func silentAfterGrant(cells []checks.CheckResult, control *checks.TargetResult) bool {
	silent := func(t checks.TargetResult) bool {
		if t.Err == nil || !t.Counts() {
			return true
		}
		switch t.Err.Operation {
		case checks.OpConnect, checks.OpProxyGreeting, checks.OpProxyAuth, checks.OpProxyConnect, checks.OpResolve:
			return false
		}
		return t.Err.Failure == checks.FailGenericTimeout || t.Err.Failure == checks.FailEOF
	}
	if !silent(*control) {
		return false
	}
	for _, c := range cells {
		for _, t := range c.Targets {
			if !silent(t) {
				return false
			}
		}
	}
	return true
}

// emitCheck records c in the history and sends it with the cell's updated stats. A result
// lifeline's own failure left unknown, or a check that was not measured, is not history: it
// says nothing about the cell.
func (s *Scheduler) emitCheck(send func(checks.Event), c checks.CheckResult) {
	if c.Verdict == checks.VerdictPending && (c.Cause.Internal() || c.Cause.NotMeasured()) {
		c.History = s.history.Stats(c.Route, c.Service)
	} else {
		c.History = s.history.Add(c)
	}
	send(checks.Event{Kind: checks.EventCheckDone, Check: c})
}

// DialRoute opens a connection to addr through the named route of the running plan, the way
// its probes do (names resolved the route's way). Alerts go out through it, to escape the
// censorship they report.
func (s *Scheduler) DialRoute(ctx context.Context, route, addr string) (net.Conn, error) {
	s.planMu.RLock()
	var r Route
	for _, each := range s.routes {
		if each.Spec().Name == route {
			r = each
		}
	}
	s.planMu.RUnlock()
	if r == nil {
		return nil, fmt.Errorf("no route named %q", checks.Sanitize(route))
	}
	return r.Dial(ctx, addr, nil)
}

// runCheck probes every target of svc through r within the check's one deadline (see
// deadline.go). Transfer targets run only when due (their last result is carried over in
// between) and not at all when transfers are off or the route is metered.
func (s *Scheduler) runCheck(ctx context.Context, n uint64, r Route, svc checks.Service, clock *routeClock, place turn) checks.CheckResult {
	spec := r.Spec()
	res := checks.CheckResult{Route: spec.Name, Service: svc.Name, Sweep: n, Started: time.Now()}
	targets := svc.Targets
	if skip := s.transferSkipped(spec); skip != "" && slices.ContainsFunc(targets, isTransfer) {
		targets = slices.DeleteFunc(slices.Clone(targets), isTransfer)
		res.Skipped = skip
	}
	res.Targets = make([]checks.TargetResult, len(targets))
	probed := make([]bool, len(targets))
	var due []checks.Target
	var at []int
	for i, t := range targets {
		if isTransfer(t) {
			if last, ok := s.transfers.carried(spec.Name, svc.Name, t, res.Started); ok {
				res.Targets[i], probed[i] = last, true
				continue
			}
		}
		if !t.DueIn(n) {
			res.Targets[i], probed[i] = s.rotation.shown(spec.Name, svc.Name, t, res.Started)
			continue
		}
		probed[i] = true
		due, at = append(due, t), append(at, i)
	}
	results, deadline := s.probeAll(ctx, r, due, window{clock: clock, turn: place})
	if len(results) > 0 && results[0].Err.NotMeasured() {
		// The check never got its slots: nothing is known of the service this sweep, and
		// nothing is remembered of it.
		res.Targets, res.Finished, res.Verdict, res.Cause = nil, time.Now(), checks.VerdictPending, results[0].Err
		res.Reason = res.Cause.Human("")
		return res
	}
	for j, tr := range results {
		res.Targets[at[j]] = tr
		if isTransfer(tr.Target) {
			s.transfers.remember(spec.Name, svc.Name, tr, res.Started)
		}
		if tr.Target.Rotate > 1 {
			s.rotation.remember(spec.Name, svc.Name, tr, n, res.Started)
		}
	}
	// A rotating target not probed yet has nothing to show.
	kept := res.Targets[:0]
	for i, tr := range res.Targets {
		if probed[i] {
			kept = append(kept, tr)
		}
	}
	res.Targets = kept
	res.Finished = time.Now()
	res.Verdict, res.Latency, res.Reason, res.Cause = checks.JudgeWith(svc, counting(res.Targets), s.thresholds())
	if len(targets) == 0 && res.Skipped != "" {
		res.Reason = res.Skipped
	}
	res.Reason = checks.Sanitize(res.Reason)
	if deadline.IsZero() { // nothing was due
		deadline = clock.deadline()
	}
	dnsCtx, cancel := graceAfter(ctx, deadline, s.plan.Settings.StepTimeout)
	defer cancel()
	s.noteDNSTampering(dnsCtx, n, r, svc, &res)
	return res
}

// isTransfer says whether t moves a block of data (download or upload): such probes run every
// TransferPlan.Every, never on metered routes, and not at all when transfers are off.
func isTransfer(t checks.Target) bool {
	return t.Kind == checks.KindTransfer || t.Kind == checks.KindUpload
}

// window is when a check may queue and probe: its route's clock, its place in the route's
// queue (none for work that follows the checks), and whether it follows the route's checks
// (after: until the deadline, or one step if that is more, at most one step past it).
type window struct {
	clock *routeClock
	turn  turn
	after bool
}

// probeAll probes targets through r as one check within w (see deadline.go): it waits for its
// turn, reserves the check's slots, then probes every target before the check's deadline,
// each with the route's trust anchors added. It returns the results and that deadline (zero
// when there was nothing to probe). A check whose deadline passed before it had its slots
// gets notMeasured results.
func (s *Scheduler) probeAll(ctx context.Context, r Route, targets []checks.Target, w window) ([]checks.TargetResult, time.Time) {
	out := make([]checks.TargetResult, len(targets))
	if len(targets) == 0 {
		if w.turn.pass != nil {
			w.turn.pass()
		}
		return out, time.Time{}
	}
	extra := time.Duration(0)
	if w.after {
		extra = s.plan.Settings.StepTimeout
	}
	queue, stopQueue := w.clock.until(ctx, extra)
	defer stopQueue()
	var slot *slots
	if w.turn.ready != nil {
		select {
		case <-w.turn.ready:
		case <-queue.Done():
		}
	}
	// A check behind one that had to wait for the route's slots has lost time to the queue
	// even if it then finds slots free; work after the checks loses none to them.
	waited := !w.after && w.clock.queued.Load()
	if queue.Err() == nil {
		var blocked bool
		slot, blocked = s.reserve(ctx, queue, w.clock, r.Spec().Name, len(targets), slices.ContainsFunc(targets, verifies))
		waited = waited || blocked
	}
	if w.turn.pass != nil {
		w.turn.pass()
	}
	deadline := w.clock.deadline()
	if w.after {
		deadline = afterDeadline(deadline, s.plan.Settings.StepTimeout)
	}
	if slot != nil && waited && !time.Now().Before(deadline) {
		slot.release() // its wait behind the route's other checks took all its time
		slot = nil
	}
	if slot == nil {
		for i, t := range targets {
			if ctx.Err() != nil {
				out[i] = notStarted(t, false)
			} else {
				out[i] = notMeasured(t, s.plan.Settings.PerRoute)
			}
		}
		return out, time.Time{}
	}
	defer slot.release()
	checkCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var wg sync.WaitGroup
	cut := make([]bool, len(targets)) // the target failed once the check's deadline had passed
	for i, t := range targets {
		if needsSystemRoots(t) && (len(t.Anchors) > 0 || len(r.Spec().CAs) > 0) {
			s.systemRootsReady() // its pool adds to the system roots
		}
		t = s.trusted(r.Spec(), t)
		wg.Go(func() {
			if !slot.run(checkCtx, func() { out[i] = s.probe(checkCtx, r, t, s.probeOptions()) }) {
				out[i], cut[i] = notStarted(t, true), true
				return
			}
			if !out[i].OK && out[i].Err == nil {
				out[i].Err = checks.NewError(checks.FailUnknown, checks.OpUnknown, "probe reported no failure")
			}
			cut[i] = !out[i].OK && checkCtx.Err() != nil
		})
	}
	wg.Wait()
	if waited && slices.Contains(cut, true) {
		// A check that lost time to the route's queue and was then cut by its deadline did
		// not get its time: what the cut says is the queue's, not the service's.
		for i, t := range targets {
			out[i] = notMeasured(t, s.plan.Settings.PerRoute)
		}
	}
	return out, deadline
}

func (s *Scheduler) probeOptions() ProbeOptions {
	return ProbeOptions{StepTimeout: s.plan.Settings.StepTimeout, BodyLimit: s.plan.Settings.BodyLimit,
		TransferBytes: s.plan.Transfer.Bytes, KnownName: s.knownName(), CPU: s.cpu}
}

// routeReason says in one line why a route's own mechanism failed.
func routeReason(spec checks.RouteSpec, err *checks.Error) string {
	switch err.Failure {
	case checks.FailInterfaceMissing, checks.FailInterfaceDown, checks.FailInterfaceNoAddress:
		if err.Detail != "" {
			return err.Detail
		}
	}
	if err.Operation == checks.OpConnect && (spec.Kind == checks.RouteSOCKS5 || spec.Kind == checks.RouteHTTP) {
		host := ""
		if spec.Proxy != nil {
			host = spec.Proxy.Host
		}
		return checks.Sanitize(fmt.Sprintf("%s proxy %s: %s", spec.Kind, host, err.Short()+" ("+err.Failure+")"))
	}
	if strings.HasPrefix(err.Detail, spec.Kind+":") {
		return checks.Sanitize(err.Detail) // already says it, e.g. "socks5: authentication rejected"
	}
	return checks.Sanitize(spec.Kind + ": " + err.Human(""))
}
