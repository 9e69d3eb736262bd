package engine_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const (
	mediaName = "media.lifeline.test"
	// transferFloor replaces the 1.5 s stall floor in tests; loopback RTTs are far below it.
	transferFloor = 500 * time.Millisecond
	// throttleRate is the rate SNI throttling pins flows to.
	throttleRate = 150_000
)

// transferRoutes are the ways out a transfer must work through: direct, SOCKS5, CONNECT.
func transferRoutes(t *testing.T) map[string]engine.Route {
	t.Helper()
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	connect := fixture.NewConnect(t, fixture.ConnectOptions{})
	out := map[string]engine.Route{}
	for _, spec := range []checks.RouteSpec{
		{Name: "direct", Kind: checks.RouteDirect},
		{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: socks.URL()},
		{Name: "connect", Kind: checks.RouteHTTP, Proxy: connect.URL()},
	} {
		r, err := engine.NewRoute(spec)
		if err != nil {
			t.Fatal(err)
		}
		out[spec.Name] = r
	}
	return out
}

func startMedia(t *testing.T, h http.Handler) *fixture.Server {
	return fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, mediaName), Handler: h})
}

// mediaTarget fetches the server's /blob while naming mediaName.
func mediaTarget(srv *fixture.Server) checks.Target {
	return checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: srv.URL + "/blob", SNI: mediaName, RootCAs: fixture.Pool()}
}

func echoTarget(scheme, addr string) checks.Target {
	return checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: scheme + "://" + addr, SNI: mediaName, RootCAs: fixture.Pool()}
}

func transferOpts(bytes int64) engine.ProbeOptions {
	return engine.ProbeOptions{StepTimeout: 3 * time.Second, TransferBytes: bytes}
}

func transferWithin(t *testing.T, r engine.Route, target checks.Target, opt engine.ProbeOptions) checks.TargetResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	start := time.Now()
	res := engine.Probe(ctx, r, target, opt)
	if took := time.Since(start); took > 8*time.Second+slack {
		t.Fatalf("transfer took %v, its check deadline is 8s", took)
	}
	if res.Transfer == nil {
		t.Fatalf("transfer of %s recorded no stats (err %v)", target, res.Err)
	}
	return res
}

func chatOK() checks.TargetResult {
	return checks.TargetResult{Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.lifeline.test:443"},
		OK: true, Phases: checks.Phases{Connect: 5 * time.Millisecond, TLS: 5 * time.Millisecond}}
}

// A flow that freezes after 16 KB is a stall at 16 KB, through every kind of route, and the
// service is never ok: partial when chat works, blocked when media is all it has.
func TestTransferFreezeAfter16KBStallsAndIsNeverOK(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	const frozenAt = 16 << 10
	https := startMedia(t, fixture.StallHandler(frozenAt))
	echo := fixture.EchoStallAfter(t, frozenAt)
	for name, r := range transferRoutes(t) {
		for _, target := range []checks.Target{mediaTarget(https), echoTarget("tcp", echo)} {
			t.Run(name+"/"+target.Addr[:strings.Index(target.Addr, ":")], func(t *testing.T) {
				res := transferWithin(t, r, target, transferOpts(64<<10))
				assertFailure(t, res, mediaName, checks.FailStalled, checks.OpRead, "stalls after 16 KB on "+mediaName)
				if s := res.Transfer; !s.Stalled || s.Bytes != frozenAt || s.Wanted != 64<<10 {
					t.Fatalf("stats %+v, want stalled after %d of %d bytes", *s, frozenAt, 64<<10)
				}
				if !strings.Contains(res.Transfer.Summary(), "stalled after 16 KB of 64 KB") {
					t.Fatalf("summary %q", res.Transfer.Summary())
				}
				svc := checks.Service{Name: "app"}
				v, _, reason, cause := checks.Judge(svc, []checks.TargetResult{chatOK(), res}, time.Second)
				if v != checks.VerdictPartial || reason != "media stalls after 16 KB on "+mediaName || cause.Failure != checks.FailStalled {
					t.Fatalf("chat ok + media stalled: %s %q", v, reason)
				}
				v, _, reason, _ = checks.Judge(svc, []checks.TargetResult{res}, time.Second)
				if v != checks.VerdictBlocked || reason != "media stalls after 16 KB on "+mediaName {
					t.Fatalf("media stalled alone: %s %q", v, reason)
				}
			})
		}
	}
}

// A working media target beside a stalled transfer does not make the role work: the app's
// downloads would still freeze.
func TestStalledTransferBreaksItsRoleWhateverElseWorks(t *testing.T) {
	stalled := checks.TargetResult{Target: checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://" + mediaName + "/blob"},
		Err: checks.NewError(checks.FailStalled, checks.OpRead, "after 17 KB"), Transfer: &checks.TransferStats{Stalled: true, Bytes: 17000, Wanted: 65536}}
	mediaTLS := checks.TargetResult{Target: checks.Target{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: mediaName + ":443"}, OK: true}
	v, _, reason, _ := checks.Judge(checks.Service{Name: "app"}, []checks.TargetResult{chatOK(), mediaTLS, stalled}, time.Second)
	if v != checks.VerdictPartial || reason != "media stalls after 17 KB on "+mediaName {
		t.Fatalf("got %s %q, want partial: media stalls after 17 KB", v, reason)
	}
}

// A flow pinned to 150 kbit/s works but is slow, "throttled to ~150 kbit/s", and the rate
// reported is the rate injected.
func TestTransferThrottledTo150kbitIsSlowWithItsRate(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	const size = 12 << 10 // ~0.65 s at 150 kbit/s
	https := startMedia(t, fixture.ThrottledHandler(size, throttleRate))
	echo := fixture.ThrottledEcho(t, throttleRate)
	routes := transferRoutes(t)
	for _, name := range []string{"direct", "socks", "connect"} {
		for _, target := range []checks.Target{mediaTarget(https), echoTarget("tcp", echo)} {
			t.Run(name+"/"+target.Addr[:strings.Index(target.Addr, ":")], func(t *testing.T) {
				res := transferWithin(t, routes[name], target, transferOpts(size))
				if !res.OK || res.Transfer.Stalled || res.Transfer.Bytes != size {
					t.Fatalf("throttled transfer: ok=%v err=%v stats=%+v", res.OK, res.Err, *res.Transfer)
				}
				got := res.Transfer.Goodput
				if math.Abs(got-throttleRate)/throttleRate > 0.25 {
					t.Fatalf("goodput %.0f bit/s, injected %d bit/s (tolerance 25%%)", got, throttleRate)
				}
				v, _, reason, _ := checks.Judge(checks.Service{Name: "app"}, []checks.TargetResult{chatOK(), res}, time.Second)
				if v != checks.VerdictSlow || !strings.HasPrefix(reason, "media throttled to 1") || !strings.HasSuffix(reason, "kbit/s on "+mediaName) {
					t.Fatalf("got %s %q, want slow: media throttled to ~150 kbit/s", v, reason)
				}
			})
		}
	}
}

// A clean server moves everything, reports its goodput and leaves the service ok.
func TestCleanTransferIsOKWithGoodput(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	const size = 64 << 10
	https := startMedia(t, fixture.BlobHandler(1<<20))
	plain := fixture.StartHTTP(t, fixture.BlobHandler(1<<20))
	targets := []checks.Target{
		mediaTarget(https),
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: plain.URL + "/blob"},
		echoTarget("tcp", fixture.Echo(t)),
		echoTarget("tls", fixture.EchoTLS(t, fixture.Leaf(t, mediaName))),
	}
	for name, r := range transferRoutes(t) {
		for _, target := range targets {
			t.Run(name+"/"+target.Addr[:strings.Index(target.Addr, ":")], func(t *testing.T) {
				res := transferWithin(t, r, target, transferOpts(size))
				if !res.OK || res.Err != nil {
					t.Fatalf("clean transfer failed: %v", res.Err)
				}
				s := res.Transfer
				if s.Bytes != size || s.Stalled || s.Goodput < checks.DefaultTransferSlowBelow {
					t.Fatalf("stats %+v: want %d bytes above 1 Mbit/s", *s, size)
				}
				if !strings.Contains(s.Summary(), "64 KB of 64 KB at ") {
					t.Fatalf("summary %q", s.Summary())
				}
				v, _, reason, _ := checks.Judge(checks.Service{Name: "app"}, []checks.TargetResult{chatOK(), res}, time.Second)
				if v != checks.VerdictOK {
					t.Fatalf("got %s %q, want ok", v, reason)
				}
			})
		}
	}
}

// A server that is not serving the object (404) fails the transfer rather than timing a
// tiny error page.
func TestTransferNeedsASuccessfulAnswer(t *testing.T) {
	srv := startMedia(t, fixture.StatusHandler(http.StatusNotFound))
	res := transferWithin(t, directRoute(t), mediaTarget(srv), transferOpts(16<<10))
	assertFailure(t, res, mediaName, checks.FailHTTPStatus, checks.OpHTTPRoundTrip, "")
}

// A refused echo is an ordinary connect failure, with stats still attached for display.
func TestTransferToARefusedEchoFailsAtConnect(t *testing.T) {
	res := transferWithin(t, directRoute(t), echoTarget("tcp", fixture.RefusedAddr(t)), transferOpts(16<<10))
	assertFailure(t, res, mediaName, checks.FailConnectionRefused, checks.OpConnect, "")
}

func TestTransferFormats(t *testing.T) {
	for n, want := range map[int64]string{512: "512 bytes", 16384: "16 KB", 17000: "17 KB", 1_572_864: "1.5 MB"} {
		if got := checks.FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for bps, want := range map[float64]string{140_000: "140 kbit/s", 1_700_000: "1.7 Mbit/s", 900: "900 bit/s"} {
		if got := checks.FormatRate(bps); got != want {
			t.Errorf("FormatRate(%v) = %q, want %q", bps, got, want)
		}
	}
}
