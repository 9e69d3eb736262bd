package engine

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Scheduler runs sweeps: every route × service of a plan, concurrently, within the plan's
// global and per-route limits, streaming each result as it completes.
type Scheduler struct {
	planMu   sync.RWMutex // guards plan against Replace for readers outside a sweep
	plan     checks.Plan
	routes   []Route
	history  *checks.History
	probe    ProbeFunc
	global   chan struct{}
	perRoute map[string]chan struct{}

	poolsMu sync.Mutex
	pools   map[poolKey]*x509.CertPool

	sweepMu sync.Mutex // sweeps never overlap, and Replace waits for a running one
	sweeps  atomic.Uint64
	warm    sync.Once
	roots   sync.Once // the system trust store has been read (trust.go)

	dnsTamper *dnsTamperChecker // nil when DNS comparison is off
	egress    *egressTracker
	transfers *transferMemory
	cpu       *CPUGate // paces TLS handshakes across every sweep of this scheduler
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
		plan:     plan,
		routes:   routes,
		history:  checks.NewHistory(plan.Settings.HistorySize),
		probe:    probe,
		global:   make(chan struct{}, plan.Settings.Concurrency),
		perRoute: map[string]chan struct{}{},
		pools:    map[poolKey]*x509.CertPool{},
		cpu:      NewCPUGate(),
	}
	s.cpu.ceiling = func() int { return cap(s.global) }
	s.dnsTamper = newDNSTamperChecker(plan.Extra.DNSCompare, plan.Settings.StepTimeout)
	s.egress = newEgressTracker(plan.Extra, plan.Settings.StepTimeout)
	s.transfers = newTransferMemory(plan.Transfer, plan.Settings.Interval)
	for _, r := range routes {
		name := r.Spec().Name
		if _, dup := s.perRoute[name]; dup {
			return nil, fmt.Errorf("route %q is defined twice", name)
		}
		s.perRoute[name] = make(chan struct{}, plan.Settings.PerRoute)
	}
	return s, nil
}

// completePlan fills in defaults and caps the concurrency by the open-file limit, the same
// way for the first plan and for every reloaded one.
func completePlan(plan checks.Plan) checks.Plan {
	plan.Settings = withDefaults(plan.Settings)
	plan.Transfer = transferDefaults(plan.Transfer)
	plan.Settings.Concurrency = concurrencyWithin(plan.Settings.Concurrency, openFileLimit())
	return plan
}

func withDefaults(s checks.Settings) checks.Settings {
	d := checks.DefaultSettings
	if s.Interval <= 0 {
		s.Interval = d.Interval
	}
	if s.Timeout <= 0 {
		s.Timeout = d.Timeout
	}
	if s.StepTimeout <= 0 {
		s.StepTimeout = min(d.StepTimeout, s.Timeout)
	}
	if s.Slow <= 0 {
		s.Slow = d.Slow
	}
	if s.Concurrency <= 0 {
		s.Concurrency = d.Concurrency
	}
	if s.PerRoute <= 0 {
		s.PerRoute = d.PerRoute
	}
	if s.HistorySize <= 0 {
		s.HistorySize = d.HistorySize
	}
	if s.BodyLimit <= 0 {
		s.BodyLimit = d.BodyLimit
	}
	return s
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

	var mechErr *checks.Error
	s.withSlot(ctx, spec.Name, func() {
		stepCtx, cancel := context.WithTimeout(ctx, s.plan.Settings.StepTimeout)
		defer cancel()
		mechErr = r.Check(stepCtx)
	})
	if mechErr == nil && ctx.Err() != nil {
		mechErr = checks.Classify(checks.OpConnect, ctx.Err())
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
	for _, svc := range s.plan.Services {
		go func() { results <- s.runCheck(ctx, n, r, svc) }()
	}
	control := make(chan checks.TargetResult, 1)
	controlPending := spec.Control != nil
	if controlPending {
		go func() { control <- s.probeInSlot(ctx, r, *spec.Control) }()
	}

	// Results stream once the route is proven to carry traffic: by its own check alone for
	// direct, interface and SOCKS5 routes without a control; otherwise by a working control or
	// target (an HTTP proxy checks credentials only when asked to CONNECT). Until then they are
	// held, so that a dead route is reported once as down rather than as blocked services.
	proven := !controlPending && spec.Kind != checks.RouteHTTP
	var held []checks.CheckResult
	routeSent := false
	release := func() {
		if !proven {
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
			proven = proven || res.OK
		case c := <-results:
			remaining--
			proven = proven || slices.ContainsFunc(c.Targets, func(t checks.TargetResult) bool { return t.OK && !isCarriedOver(t) })
			held = append(held, c)
		}
		release()
	}
	if proven {
		return
	}

	// Nothing passed through the route. It is down if the proxy refused our credentials or if
	// the control failed as well as every service; otherwise the services are blocked.
	routeResult.Checked = time.Now()
	down := proxyAuthFailure(held, routeResult.Control)
	if down != nil {
		routeResult.Reason = routeReason(spec, down)
	} else if ctrl := routeResult.Control; ctrl != nil && len(held) > 0 {
		down = ctrl.Err
		routeResult.Reason = "control and every service fail: " + ctrl.Err.Human(ctrl.Target.Host())
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
		s.cpu.ready = s.systemRootsReady
		go s.systemRootsReady()
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

// emitCheck records c in the history and sends it with the cell's updated stats.
func (s *Scheduler) emitCheck(send func(checks.Event), c checks.CheckResult) {
	c.History = s.history.Add(c)
	send(checks.Event{Kind: checks.EventCheckDone, Check: c})
}

// runCheck probes every target of svc through r, each within the per-check deadline. Transfer
// targets run only when due (their last result is carried over in between) and not at all
// when transfers are off or the route is metered.
func (s *Scheduler) runCheck(ctx context.Context, n uint64, r Route, svc checks.Service) checks.CheckResult {
	spec := r.Spec()
	res := checks.CheckResult{Route: spec.Name, Service: svc.Name, Sweep: n, Started: time.Now()}
	targets := svc.Targets
	if skip := s.transferSkipped(spec); skip != "" && slices.ContainsFunc(targets, isTransfer) {
		targets = slices.DeleteFunc(slices.Clone(targets), isTransfer)
		res.Skipped = skip
	}
	res.Targets = make([]checks.TargetResult, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		if t.Kind == checks.KindTransfer {
			if last, ok := s.transfers.carried(spec.Name, svc.Name, t, res.Started); ok {
				res.Targets[i] = last
				continue
			}
		}
		wg.Go(func() {
			res.Targets[i] = s.probeInSlot(ctx, r, t)
			if t.Kind == checks.KindTransfer {
				s.transfers.remember(spec.Name, svc.Name, res.Targets[i], res.Started)
			}
		})
	}
	wg.Wait()
	res.Finished = time.Now()
	res.Verdict, res.Latency, res.Reason, res.Cause = checks.JudgeWith(svc, res.Targets, s.thresholds())
	if len(targets) == 0 && res.Skipped != "" {
		res.Reason = res.Skipped
	}
	res.Reason = checks.Sanitize(res.Reason)
	dnsCtx, cancel := context.WithTimeout(ctx, s.plan.Settings.Timeout)
	defer cancel()
	s.noteDNSTampering(dnsCtx, n, r, svc, &res)
	return res
}

func isTransfer(t checks.Target) bool { return t.Kind == checks.KindTransfer }

// probeInSlot probes t through r once a slot is free, with the route's trust anchors added.
// The per-check deadline starts when the slot is taken: a target queued behind slow or
// blackholed ones on the same route must not be judged on time it spent waiting.
func (s *Scheduler) probeInSlot(ctx context.Context, r Route, t checks.Target) checks.TargetResult {
	if needsSystemRoots(t) && (len(t.Anchors) > 0 || len(r.Spec().CAs) > 0) {
		s.systemRootsReady() // its pool adds to the system roots
	}
	t = s.trusted(r.Spec(), t)
	var res checks.TargetResult
	ran := s.withSlot(ctx, r.Spec().Name, func() {
		probeCtx, cancel := context.WithTimeout(ctx, s.plan.Settings.Timeout)
		defer cancel()
		res = s.probe(probeCtx, r, t, s.probeOptions())
	})
	if !ran {
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailGenericTimeout, checks.OpConnect, "deadline passed before the probe could start")}
	}
	if !res.OK && res.Err == nil {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpUnknown, "probe reported no failure")
	}
	return res
}

// withSlot runs f holding one of the route's slots, one global slot and a place under the
// adaptive limit (adaptivelimit.go), taken in that order so a busy route never holds global
// slots while it waits. It reports false if ctx ended first.
func (s *Scheduler) withSlot(ctx context.Context, route string, f func()) bool {
	routeSlots := s.perRoute[route]
	select {
	case routeSlots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-routeSlots }()
	select {
	case s.global <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-s.global }()
	if !s.cpu.probes.acquire(ctx, cap(s.global)) {
		return false
	}
	defer s.cpu.probes.release(cap(s.global))
	f()
	return true
}

func (s *Scheduler) probeOptions() ProbeOptions {
	return ProbeOptions{StepTimeout: s.plan.Settings.StepTimeout, BodyLimit: s.plan.Settings.BodyLimit,
		TransferBytes: s.plan.Transfer.Bytes, CPU: s.cpu}
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
