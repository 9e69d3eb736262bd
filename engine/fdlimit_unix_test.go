//go:build unix

package engine_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// A user who sets concurrency far above what the open-file limit allows must still get true
// answers, not "too many open files" dressed up as blocked services: the scheduler caps the
// probes in flight by the limit. The fixture's accepted connections count against the same
// limit here, which makes the test stricter than real use.
func TestSweepAboveTheOpenFileLimitRunsOutOfNoDescriptors(t *testing.T) {
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Skipf("no RLIMIT_NOFILE: %v", err)
	}
	const soft = 256
	if orig.Cur < soft {
		t.Skipf("the soft limit is already %d", orig.Cur)
	}
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "svc.lifeline.test")})
	const routes, services = 100, 4
	// Generous deadlines: the claim is about descriptors, not speed, and 100 handshakes at once
	// on a starved machine (the race detector, other jobs) can take seconds each.
	plan := checks.Plan{Settings: checks.Settings{Concurrency: routes * services, PerRoute: services,
		StepTimeout: 30 * time.Second, Timeout: time.Minute}}
	for i := range routes {
		plan.Routes = append(plan.Routes, checks.RouteSpec{Name: fmt.Sprintf("r%03d", i), Kind: checks.RouteDirect})
	}
	for i := range services {
		plan.Services = append(plan.Services, checks.Service{Name: fmt.Sprintf("s%d", i), Targets: []checks.Target{
			{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: srv.Addr, SNI: "svc.lifeline.test", RootCAs: fixture.Pool()},
		}})
	}

	lowered := orig
	lowered.Cur = soft
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lowered); err != nil {
		t.Skipf("cannot lower the open-file limit: %v", err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig) })

	s, err := engine.NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Plan().Settings.Concurrency; got >= routes*services || got < 1 {
		t.Fatalf("concurrency %d under a limit of %d descriptors", got, soft)
	}
	var failed []string
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone && !e.Check.Verdict.Works() {
			failed = append(failed, e.Check.Route+" × "+e.Check.Service+": "+e.Check.Reason)
		}
	})
	if len(failed) > 0 {
		t.Errorf("%d of %d checks failed under a limit of %d descriptors, e.g. %s", len(failed), routes*services, soft, failed[0])
	}
	for _, f := range failed {
		if strings.Contains(f, "too many open files") {
			t.Fatalf("ran out of descriptors: %s", f)
		}
	}
}
