package engine_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const (
	// accuracyOneWay is the latency the delay relay adds in each direction.
	accuracyOneWay = 40 * time.Millisecond
	accuracyRTT    = 2 * accuracyOneWay
	// accuracySlack is how far above the injected delay a median may lie: the handshakes'
	// own CPU work (ECDSA, key exchange, under the race detector on a loaded machine) and
	// scheduling. The lower bound is exact: nothing can arrive before the relay lets it.
	accuracySlack = 100 * time.Millisecond
	accuracyRuns  = 6
)

// accuracyRoute is a proxy route behind a delay relay and the round trips its connect costs.
type accuracyRoute struct {
	spec       checks.RouteSpec
	connectRTT int      // round trips of the proxy exchange after TCP to the relay
	curlProxy  []string // curl's options for the same route
}

func accuracyRoutes(t *testing.T, name, upstream string) []accuracyRoute {
	hosts := map[string]string{name: upstream}
	socks := fixture.DelayRelay(t, fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts}).Addr, accuracyOneWay)
	connect := fixture.DelayRelay(t, fixture.NewConnect(t, fixture.ConnectOptions{Hosts: hosts}).Addr, accuracyOneWay)
	return []accuracyRoute{
		// Greeting, then CONNECT request: two round trips.
		{checks.RouteSpec{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: socks}}, 2,
			[]string{"--socks5-hostname", socks}},
		// One CONNECT request and its answer.
		{checks.RouteSpec{Name: "http", Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: connect}}, 1,
			[]string{"--proxy", "http://" + connect}},
	}
}

// TestReportedTimesMatchAnInjectedDelay puts a relay that holds every byte back by 40 ms each
// way in front of a SOCKS5 and an HTTP CONNECT proxy, and asserts that the connect and TLS
// times lifeline reports are what the path costs: connect at least the proxy exchange's round
// trips (2 for SOCKS5, 1 for CONNECT), the TLS 1.3 handshake at least one round trip, and
// neither more than accuracySlack above that. When curl is installed it measures the same
// routes and the differences are logged.
func TestReportedTimesMatchAnInjectedDelay(t *testing.T) {
	const name = "chat.lifeline.test"
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, name)})
	addr := net.JoinHostPort(name, srv.Port())
	for _, r := range accuracyRoutes(t, name, srv.Addr) {
		t.Run(r.spec.Kind, func(t *testing.T) {
			plan := checks.Plan{
				Settings: checks.Settings{Timeout: 5 * time.Second, StepTimeout: 3 * time.Second},
				Routes:   []checks.RouteSpec{r.spec},
				Services: []checks.Service{{Name: "chatapp", Targets: []checks.Target{
					{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: name, RootCAs: fixture.Pool()},
				}}},
			}
			s, err := engine.NewScheduler(plan)
			if err != nil {
				t.Fatal(err)
			}
			wantConnect := time.Duration(r.connectRTT) * accuracyRTT
			var connects, tlss []time.Duration
			for i := range accuracyRuns {
				res := sweepTarget(t, s)
				if !res.OK {
					t.Fatalf("run %d: %v", i+1, res.Err)
				}
				c, h := res.Phases.Connect, res.Phases.TLS
				if c < wantConnect || h < accuracyRTT {
					t.Errorf("run %d: connect %s, TLS %s; the path costs at least %s and %s", i+1, c, h, wantConnect, accuracyRTT)
				}
				connects, tlss = append(connects, c), append(tlss, h)
			}
			mc, mh := median(connects), median(tlss)
			t.Logf("injected RTT %s: connect want %s, first %s, median %s (%+.1f ms); TLS want %s, first %s, median %s (%+.1f ms)",
				accuracyRTT, wantConnect, connects[0], mc, ms(mc-wantConnect), accuracyRTT, tlss[0], mh, ms(mh-accuracyRTT))
			if mc > wantConnect+accuracySlack || mh > accuracyRTT+accuracySlack {
				t.Errorf("median connect %s and TLS %s lie more than %s above the injected %s and %s", mc, mh, accuracySlack, wantConnect, accuracyRTT)
			}
			var readies []time.Duration
			for i := range connects {
				readies = append(readies, connects[i]+tlss[i])
			}
			compareWithCurl(t, r, "https://"+addr+"/", median(readies))
		})
	}
}

// sweepTarget runs one sweep of a one-route, one-target plan and returns that target's result.
func sweepTarget(t *testing.T, s *engine.Scheduler) checks.TargetResult {
	t.Helper()
	var got *checks.TargetResult
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone && len(e.Check.Targets) == 1 {
			got = &e.Check.Targets[0]
		}
	})
	if got == nil {
		t.Fatal("the sweep reported no target result")
	}
	return *got
}

// compareWithCurl measures the same route with curl and holds lifeline's median TLS-ready
// time (connect + TLS) to curl's time_appconnect. curl's time_connect stops at the TCP
// connection to the proxy and counts the proxy exchange in time_appconnect, so only the
// ready times compare; time_connect is logged to show that.
func compareWithCurl(t *testing.T, r accuracyRoute, target string, ready time.Duration) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Log("curl is not installed: no comparison with curl")
		return
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, fixture.CA().PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	var connects, readies []time.Duration
	for range accuracyRuns {
		args := append([]string{"-q", "-sS", "-o", "/dev/null", "--max-time", "5", "--cacert", ca,
			"-w", "%{time_connect} %{time_appconnect}"}, r.curlProxy...)
		cmd := exec.Command(curl, append(args, target)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()} // no proxy variables, no .curlrc
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("curl %s: %v: %s", strings.Join(cmd.Args[1:], " "), err, out)
		}
		f := strings.Fields(string(out))
		if len(f) != 2 {
			t.Fatalf("curl printed %q", out)
		}
		c, h := seconds(t, f[0]), seconds(t, f[1])
		connects, readies = append(connects, c), append(readies, h)
	}
	cc, cr := median(connects), median(readies)
	t.Logf("curl: time_connect median %s (TCP to the proxy), time_appconnect median %s; lifeline ready median %s, lifeline − curl %+.1f ms",
		cc, cr, ready, ms(ready-cr))
	if diff := (ready - cr).Abs(); diff > accuracySlack {
		t.Errorf("lifeline's TLS-ready time %s and curl's %s differ by %s, more than %s", ready, cr, diff, accuracySlack)
	}
}

func seconds(t *testing.T, s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("curl timing %q: %v", s, err)
	}
	return time.Duration(f * float64(time.Second))
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
