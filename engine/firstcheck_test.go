package engine_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

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
