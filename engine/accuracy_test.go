package engine_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	// accuracySlack is how far above the injected delay plus the path's own cost a median
	// may lie. The path's own cost (the handshakes' CPU work: ECDSA, key exchange, under the
	// race detector, and scheduling on a loaded machine) is measured in the same run, on the
	// same proxies behind a relay that holds nothing back, interleaved with the delayed runs so both meet the same
	// load. The lower bound is exact: nothing can arrive before the relay lets it.
	accuracySlack = 100 * time.Millisecond
	accuracyRuns  = 6
)

// accuracyRoute is a proxy route behind a delay relay and the round trips its connect costs.
type accuracyRoute struct {
	spec       checks.RouteSpec
	connectRTT int              // round trips of the proxy exchange after TCP to the relay
	curlProxy  []string         // curl's options for the same route
	undelayed  checks.RouteSpec // the same proxy behind a relay that holds nothing back
}

func accuracyRoutes(t *testing.T, name, upstream string) []accuracyRoute {
	hosts := map[string]string{name: upstream}
	socksProxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts}).Addr
	connectProxy := fixture.NewConnect(t, fixture.ConnectOptions{Hosts: hosts}).Addr
	socks := fixture.DelayRelay(t, socksProxy, accuracyOneWay)
	connect := fixture.DelayRelay(t, connectProxy, accuracyOneWay)
	// The same path with nothing held back: what the relay's hops, the proxy and the
	// handshakes cost by themselves on this machine now.
	socksBase := fixture.DelayRelay(t, socksProxy, 0)
	connectBase := fixture.DelayRelay(t, connectProxy, 0)
	return []accuracyRoute{
		// Greeting, then CONNECT request: two round trips.
		{checks.RouteSpec{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: socks}}, 2,
			[]string{"--socks5-hostname", socks},
			checks.RouteSpec{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: socksBase}}},
		// One CONNECT request and its answer.
		{checks.RouteSpec{Name: "http", Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: connect}}, 1,
			[]string{"--proxy", "http://" + connect},
			checks.RouteSpec{Name: "http", Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: connectBase}}},
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
			scheduler := func(route checks.RouteSpec) *engine.Scheduler {
				s, err := engine.NewScheduler(checks.Plan{
					Settings: checks.Settings{Timeout: 5 * time.Second, StepTimeout: 3 * time.Second},
					Routes:   []checks.RouteSpec{route},
					Services: []checks.Service{{Name: "chatapp", Targets: []checks.Target{
						{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: name, RootCAs: fixture.Pool()},
					}}},
				})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			s, base := scheduler(r.spec), scheduler(r.undelayed)
			wantConnect := time.Duration(r.connectRTT) * accuracyRTT
			var connects, tlss, baseConnects, baseTLSs []time.Duration
			for i := range accuracyRuns {
				b := sweepTarget(t, base)
				res := sweepTarget(t, s)
				if !res.OK || !b.OK {
					t.Fatalf("run %d: %v, with nothing held back %v", i+1, res.Err, b.Err)
				}
				c, h := res.Phases.Connect, res.Phases.TLS
				if c < wantConnect || h < accuracyRTT {
					t.Errorf("run %d: connect %s, TLS %s; the path costs at least %s and %s", i+1, c, h, wantConnect, accuracyRTT)
				}
				connects, tlss = append(connects, c), append(tlss, h)
				baseConnects, baseTLSs = append(baseConnects, b.Phases.Connect), append(baseTLSs, b.Phases.TLS)
			}
			mc, mh := median(connects), median(tlss)
			bc, bh := median(baseConnects), median(baseTLSs)
			t.Logf("injected RTT %s: connect want %s, first %s, median %s (%+.1f ms); TLS want %s, first %s, median %s (%+.1f ms); with nothing held back: connect %s, TLS %s",
				accuracyRTT, wantConnect, connects[0], mc, ms(mc-wantConnect), accuracyRTT, tlss[0], mh, ms(mh-accuracyRTT), bc, bh)
			if mc > wantConnect+bc+accuracySlack || mh > accuracyRTT+bh+accuracySlack {
				t.Errorf("median connect %s and TLS %s lie more than %s above the injected %s and %s plus the path's own %s and %s",
					mc, mh, accuracySlack, wantConnect, accuracyRTT, bc, bh)
			}
			var readies []time.Duration
			for i := range connects {
				readies = append(readies, connects[i]+tlss[i])
			}
			compareWithCurl(t, r, "https://"+addr+"/", median(readies), bc+bh)
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
// own is lifeline's TLS-ready time with nothing held back, measured in the same run: the cost of
// the handshakes themselves on this machine now, which either client may pay more of.
func compareWithCurl(t *testing.T, r accuracyRoute, target string, ready, own time.Duration) {
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
	if diff := (ready - cr).Abs(); diff > accuracySlack+own {
		t.Errorf("lifeline's TLS-ready time %s and curl's %s differ by %s, more than %s plus the handshakes' own %s", ready, cr, diff, accuracySlack, own)
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

// The first check of a fresh process.

const (
	firstCheckEnv    = "LIFELINE_FIRST_CHECK_TARGET"
	firstCheckSweeps = 8
	firstCheckName   = "chat.lifeline.test"
)

// TestFirstChecksOfAFreshProcess starts a new process, as a user starting lifeline does, and
// has it check a loopback TLS server the way real targets are checked: a name through the
// system resolver, the certificate against the system trust store (here the system's roots
// plus the test authority, through SSL_CERT_FILE). It asserts that every check of the fresh
// process works and logs the phases of each, so the first can be compared with the later ones
// (TestSystemRootsAreLoadedOnceBeforeTheFirstProbe covers the one-off cost that was removed).
func TestFirstChecksOfAFreshProcess(t *testing.T) {
	if os.Getenv(firstCheckEnv) != "" {
		t.Skip("this is the child process")
	}
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, firstCheckName)})
	host := "127.0.0.1"
	if hostsNameLocalhost() {
		host = "localhost" // resolved from /etc/hosts: the resolver's first use is measured too
	} else {
		t.Log("/etc/hosts has no localhost entry: the target is an address, no DNS phase")
	}
	dir := t.TempDir()
	bundle := fixture.CA().PEM()
	if system, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt"); err == nil {
		bundle = append(system, bundle...)
	}
	if err := os.WriteFile(filepath.Join(dir, "roots.pem"), bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFirstCheckChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), firstCheckEnv+"="+net.JoinHostPort(host, srv.Port()),
		"SSL_CERT_FILE="+filepath.Join(dir, "roots.pem"), "SSL_CERT_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var rows []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	line := regexp.MustCompile(`check (\d+): (.*)$`)
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			rows = append(rows, m[0])
		}
	}
	if len(rows) != firstCheckSweeps {
		t.Fatalf("the child reported %d checks, want %d:\n%s", len(rows), firstCheckSweeps, out)
	}
	t.Log("fresh process, " + host + ":\n" + strings.Join(rows, "\n"))
}

// TestFirstCheckChild is the fresh process of TestFirstChecksOfAFreshProcess.
func TestFirstCheckChild(t *testing.T) {
	addr := os.Getenv(firstCheckEnv)
	if addr == "" {
		t.Skip("runs only as the child of TestFirstChecksOfAFreshProcess")
	}
	plan := checks.Plan{
		Settings: checks.Settings{Timeout: 10 * time.Second, StepTimeout: 5 * time.Second},
		Routes:   []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: []checks.Service{{Name: "chatapp", Targets: []checks.Target{
			{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: firstCheckName}, // system roots
		}}},
	}
	s, err := engine.NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	for i := range firstCheckSweeps {
		res := sweepTarget(t, s)
		if !res.OK {
			t.Fatalf("check %d: %v", i+1, res.Err)
		}
		p := res.Phases
		fmt.Printf("check %d: dns %.2f ms, connect %.2f ms, tls %.2f ms, ready %.2f ms\n",
			i+1, ms(p.DNS), ms(p.Connect), ms(p.TLS), ms(p.Ready()))
	}
}

// hostsNameLocalhost reports whether /etc/hosts maps localhost, so looking it up stays on
// this machine.
func hostsNameLocalhost() bool {
	b, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && !strings.HasPrefix(f[0], "#") && net.ParseIP(f[0]) != nil && net.ParseIP(f[0]).IsLoopback() {
			for _, name := range f[1:] {
				if name == "localhost" {
					return true
				}
			}
		}
	}
	return false
}
