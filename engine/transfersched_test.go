package engine_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// transferLab is a service with a working chat endpoint and a media transfer whose requests
// are counted at the server.
type transferLab struct {
	chat, media checks.Target
	requests    *atomic.Int64
}

func newTransferLab(t *testing.T, media http.Handler) transferLab {
	t.Helper()
	chatSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.lifeline.test")})
	var n atomic.Int64
	mediaSrv := startMedia(t, fixture.CountRequests(media, &n))
	return transferLab{
		chat:     checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: chatSrv.Addr, SNI: "chat.lifeline.test", RootCAs: fixture.Pool()},
		media:    mediaTarget(mediaSrv),
		requests: &n,
	}
}

func (l transferLab) plan(transfer checks.TransferPlan, routes ...checks.RouteSpec) checks.Plan {
	return appPlan(transfer, []checks.Target{l.chat, l.media}, routes...)
}

// appPlan checks one service, "app", with targets through routes every 30 s, with transfer
// as its media settings.
func appPlan(transfer checks.TransferPlan, targets []checks.Target, routes ...checks.RouteSpec) checks.Plan {
	return checks.Plan{
		Settings: checks.Settings{Interval: 30 * time.Second, StepTimeout: 2 * time.Second, Timeout: 5 * time.Second},
		Routes:   routes,
		Services: []checks.Service{{Name: "app", Targets: targets}},
		Transfer: transfer,
	}
}

// sweepCells runs one sweep and returns its checks by route name.
func sweepCells(t *testing.T, s *engine.Scheduler) map[string]checks.CheckResult {
	t.Helper()
	var mu sync.Mutex
	out := map[string]checks.CheckResult{}
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone {
			mu.Lock()
			out[e.Check.Route] = e.Check
			mu.Unlock()
		}
	})
	return out
}

func mediaResult(t *testing.T, c checks.CheckResult) checks.TargetResult {
	t.Helper()
	for _, r := range c.Targets {
		if r.Target.Kind == checks.KindTransfer {
			return r
		}
	}
	t.Fatalf("%s/%s has no transfer result (skipped %q)", c.Route, c.Service, c.Skipped)
	return checks.TargetResult{}
}

var directSpec = checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}

// A stalled transfer through the scheduler makes the service partial, never ok; the second
// sweep within `every` does not touch the server again and keeps the verdict, marking the
// result as carried over.
func TestSchedulerCarriesTransferOverBetweenRuns(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	socksSpec := checks.RouteSpec{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: socks.URL()}
	lab := newTransferLab(t, fixture.StallHandler(16<<10))
	s, err := engine.NewScheduler(lab.plan(checks.TransferPlan{Every: time.Hour}, directSpec, socksSpec))
	if err != nil {
		t.Fatal(err)
	}
	// A stall is confirmed by a second try within the run: two requests per route.
	first := sweepCells(t, s)
	if got := lab.requests.Load(); got != 4 {
		t.Fatalf("first sweep made %d transfer requests, want two tries per route (4)", got)
	}
	for route, c := range first {
		if c.Verdict != checks.VerdictPartial || c.Reason != "media stalls after 16 KB on "+mediaName {
			t.Fatalf("%s: %s %q, want partial: media stalls after 16 KB", route, c.Verdict, c.Reason)
		}
		if m := mediaResult(t, c); m.Transfer.CarriedOver {
			t.Fatalf("%s: a fresh transfer is marked carried over", route)
		}
	}
	second := sweepCells(t, s)
	if got := lab.requests.Load(); got != 4 {
		t.Fatalf("second sweep within every hit the server again: %d requests in all", got)
	}
	for route, c := range second {
		if c.Verdict != checks.VerdictPartial || c.Reason != first[route].Reason {
			t.Fatalf("%s: second sweep %s %q, want the first's partial %q", route, c.Verdict, c.Reason, first[route].Reason)
		}
		m := mediaResult(t, c)
		if !m.Transfer.CarriedOver || m.Transfer.Age <= 0 || !m.Transfer.Stalled || m.Transfer.Bytes != 16<<10 {
			t.Fatalf("%s: carried result %+v, want the stall, marked with its age", route, *m.Transfer)
		}
	}
}

// When every has passed, the next sweep runs the transfer again.
func TestSchedulerRerunsTransferWhenDue(t *testing.T) {
	lab := newTransferLab(t, fixture.BlobHandler(64<<10))
	plan := lab.plan(checks.TransferPlan{Every: time.Millisecond}, directSpec)
	plan.Settings.Interval = time.Millisecond
	s, err := engine.NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		c := sweepCells(t, s)["direct"]
		if c.Verdict != checks.VerdictOK || mediaResult(t, c).Transfer.CarriedOver {
			t.Fatalf("sweep %d: %s %q, want a fresh ok", i, c.Verdict, c.Reason)
		}
		if got := lab.requests.Load(); got != int64(i) {
			t.Fatalf("after sweep %d: %d transfer requests, want %d", i, got, i)
		}
	}
}

// transfer off skips transfer probes everywhere; metered skips them on that route only. The
// service is judged on its other roles and the check says why.
func TestSchedulerSkipsTransfersWhenOffOrMetered(t *testing.T) {
	lab := newTransferLab(t, fixture.StallHandler(16<<10))
	metered := checks.RouteSpec{Name: "phone", Kind: checks.RouteDirect, Metered: true}

	s, err := engine.NewScheduler(lab.plan(checks.TransferPlan{Off: true}, directSpec))
	if err != nil {
		t.Fatal(err)
	}
	c := sweepCells(t, s)["direct"]
	if c.Verdict != checks.VerdictOK || c.Skipped != "transfer off" || len(c.Targets) != 1 {
		t.Fatalf("off: %s %q skipped=%q targets=%d, want ok on chat alone", c.Verdict, c.Reason, c.Skipped, len(c.Targets))
	}
	if n := lab.requests.Load(); n != 0 {
		t.Fatalf("off: %d transfer requests, want none", n)
	}

	engine.SetStallFloor(t, transferFloor)
	s, err = engine.NewScheduler(lab.plan(checks.TransferPlan{}, directSpec, metered))
	if err != nil {
		t.Fatal(err)
	}
	cells := sweepCells(t, s)
	if c := cells["phone"]; c.Verdict != checks.VerdictOK || c.Skipped != "transfer off (metered)" {
		t.Fatalf("metered: %s %q skipped=%q, want ok with transfer off (metered)", c.Verdict, c.Reason, c.Skipped)
	}
	if c := cells["direct"]; c.Verdict != checks.VerdictPartial || c.Skipped != "" {
		t.Fatalf("unmetered: %s %q skipped=%q, want the stall found", c.Verdict, c.Reason, c.Skipped)
	}
	if n := lab.requests.Load(); n != 2 {
		t.Fatalf("%d transfer requests, want 2 (the unmetered route only, its stall confirmed by a second try)", n)
	}
}

// A throttled transfer through the scheduler honours the plan's slow_below.
func TestSchedulerJudgesGoodputAgainstSlowBelow(t *testing.T) {
	lab := newTransferLab(t, fixture.ThrottledHandler(12<<10, throttleRate))
	for _, tc := range []struct {
		slowBelow float64
		want      checks.Verdict
	}{{0, checks.VerdictSlow}, {50_000, checks.VerdictOK}} {
		plan := lab.plan(checks.TransferPlan{SlowBelow: tc.slowBelow, Bytes: 12 << 10}, directSpec)
		s, err := engine.NewScheduler(plan)
		if err != nil {
			t.Fatal(err)
		}
		c := sweepCells(t, s)["direct"]
		if c.Verdict != tc.want {
			t.Fatalf("slow_below %v: %s %q, want %s", tc.slowBelow, c.Verdict, c.Reason, tc.want)
		}
	}
}

// A reload that changes the transfer settings runs transfers afresh; a route removed and
// added back does not show a transfer result from before it left.
func TestReloadRenewsTransferResults(t *testing.T) {
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	socksSpec := checks.RouteSpec{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: socks.URL()}
	lab := newTransferLab(t, fixture.BlobHandler(64<<10))
	both := lab.plan(checks.TransferPlan{Every: time.Hour}, directSpec, socksSpec)
	s, err := engine.NewScheduler(both)
	if err != nil {
		t.Fatal(err)
	}
	sweepCells(t, s)
	if got := lab.requests.Load(); got != 2 {
		t.Fatalf("first sweep made %d transfer requests, want 2", got)
	}
	for _, p := range []checks.Plan{lab.plan(checks.TransferPlan{Every: time.Hour}, directSpec), both} {
		if err := s.Replace(p); err != nil {
			t.Fatal(err)
		}
	}
	c := sweepCells(t, s)
	if got := lab.requests.Load(); got != 3 {
		t.Fatalf("after the route came back: %d requests in all, want 3 (only the returning route runs)", got)
	}
	if mediaResult(t, c["socks"]).Transfer.CarriedOver || !mediaResult(t, c["direct"]).Transfer.CarriedOver {
		t.Fatal("the returning route must run fresh and the staying one carry over")
	}
	if err := s.Replace(lab.plan(checks.TransferPlan{Every: time.Hour, Bytes: 32 << 10}, directSpec, socksSpec)); err != nil {
		t.Fatal(err)
	}
	c = sweepCells(t, s)
	if got := lab.requests.Load(); got != 5 {
		t.Fatalf("after new transfer settings: %d requests in all, want 5", got)
	}
	if m := mediaResult(t, c["direct"]); m.Transfer.CarriedOver || m.Transfer.Wanted != 32<<10 {
		t.Fatalf("direct after new settings: %+v, want a fresh 32 KB run", *m.Transfer)
	}
}
