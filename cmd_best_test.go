package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// `lifeline best` is for scripts: one line per service with the route, how to reach it and
// its latency; exit 1 when a service has no working route; never a password.
func TestBestPrintsTheWorkingRoutePerServiceWithoutCredentials(t *testing.T) {
	good := fixture.Echo(t)
	bad := fixture.RefusedAddr(t)
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: "alice", Password: "hunter2"})
	cfg := writeFile(t, "config.yaml", fmt.Sprintf(`
timeout: 3s
control: none
routes:
  - name: direct
    direct: true
  - name: proxy
    proxy: "socks5://alice:hunter2@%s"
services:
  - name: good
    title: Good
    short: GD
    targets:
      - {role: chat, tcp: "%s"}
  - name: bad
    title: Bad
    short: BD
    targets:
      - {role: chat, tcp: "%s"}
`, proxy.Addr, good, bad))

	var out, errOut bytes.Buffer
	code := runBest(context.Background(), []string{"--config", cfg}, &out, &errOut)
	if code != checks.ExitDegraded {
		t.Errorf("exit %d with a service that has no working route, want 1 (stderr %q)", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per service, got:\n%s", out.String())
	}
	if f := strings.Fields(lines[0]); len(f) < 4 || f[0] != "Good" || (f[1] != "direct" && f[1] != "proxy") || !strings.HasPrefix(lines[0], "Good") {
		t.Errorf("first line is not Good's best route: %q", lines[0])
	}
	if !strings.Contains(lines[0], "then ") {
		t.Errorf("the runner-up is missing: %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "Bad") || !strings.Contains(lines[1], "none works") {
		t.Errorf("second line does not say nothing works for Bad: %q", lines[1])
	}
	if strings.Contains(out.String()+errOut.String(), "hunter2") {
		t.Error("the proxy password was printed")
	}

	out.Reset()
	if code := runBest(context.Background(), []string{"--config", cfg, "gd"}, &out, &errOut); code != checks.ExitOK {
		t.Errorf("best gd: exit %d, want 0:\n%s", code, out.String())
	}
	if strings.Contains(out.String(), "Bad") {
		t.Errorf("best gd printed another service:\n%s", out.String())
	}
	if code := runBest(context.Background(), []string{"--config", cfg, "nosuch"}, &out, &errOut); code != checks.ExitUnknown {
		t.Errorf("an unknown service: exit %d, want 3", code)
	}
}

func TestRouteURLHasNoCredentials(t *testing.T) {
	u, _ := url.Parse("socks5://alice:hunter2@127.0.0.1:1080")
	cases := map[string]checks.RouteSpec{
		"socks5://127.0.0.1:1080": {Kind: checks.RouteSOCKS5, Proxy: u},
		"interface:wg0":           {Kind: checks.RouteInterface, Interface: "wg0"},
		"direct":                  {Kind: checks.RouteDirect},
	}
	for want, spec := range cases {
		if got := routeURL(spec); got != want {
			t.Errorf("routeURL = %q, want %q", got, want)
		}
	}
}
