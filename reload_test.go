package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/ui"
)

// resultOf finds route/service in a status line.
func resultOf(line ui.StatusLineJSON, route, service string) (checks.ResultJSON, bool) {
	for _, r := range line.Results {
		if string(r.Route) == route && string(r.Service) == service {
			return r, true
		}
	}
	return checks.ResultJSON{}, false
}

// TestStatusWatchReloadsOnSIGHUP changes the config under a running `lifeline status`: a
// route added and a service removed show in the next lines while the history of the cell
// that stayed goes on; every kind of broken config is refused on stderr with its location
// and the old config keeps running; metrics and the results log follow.
func TestStatusWatchReloadsOnSIGHUP(t *testing.T) {
	good := fixture.Echo(t)
	bad := fixture.RefusedAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	write := func(content string) {
		t.Helper()
		// Written beside and renamed, as editors do, so a reload never reads half a file.
		tmp := cfgPath + ".tmp"
		if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, cfgPath); err != nil {
			t.Fatal(err)
		}
	}
	services := func(names ...string) string {
		var b strings.Builder
		for _, n := range names {
			addr := good
			if n == "bad" {
				addr = bad
			}
			fmt.Fprintf(&b, "  - name: %s\n    targets:\n      - {role: chat, tcp: %q}\n", n, addr)
		}
		return b.String()
	}
	const head = "interval: 1s\ntimeout: 3s\ncontrol: none\n"
	write(head + "routes:\n  - {name: direct, direct: true}\nservices:\n" + services("good", "bad"))

	logPath := filepath.Join(dir, "results.jsonl")
	metrics := fixture.FreeLoopbackAddr(t)
	c := startChild(t, "status", "--format", "json", "--config", cfgPath, "--log", logPath, "--metrics", metrics)
	var line ui.StatusLineJSON
	for {
		line = c.statusLine()
		if r, _ := resultOf(line, "direct", "good"); r.Samples >= 3 {
			break
		}
	}
	before, _ := resultOf(line, "direct", "good")
	if before.Uptime == nil || *before.Uptime != 1 {
		t.Fatalf("direct/good before reload: %+v", before)
	}

	// Add a route, remove a service.
	write(head + "routes:\n  - {name: direct, direct: true}\n  - {name: second, direct: true}\nservices:\n" + services("good"))
	c.signal(syscall.SIGHUP)
	var after, added checks.ResultJSON
	for i := 0; ; i++ {
		line = c.statusLine()
		var ok bool
		if added, ok = resultOf(line, "second", "good"); ok && added.Verdict != checks.VerdictPending {
			after, _ = resultOf(line, "direct", "good")
			break
		}
		if i > 50 {
			t.Fatalf("the added route never showed; stderr:\n%s", c.stderr.String())
		}
	}
	t.Logf("direct/good samples: %d before the reload, %d in the first line showing the new route; second/good: %d",
		before.Samples, after.Samples, added.Samples)
	if after.Samples <= before.Samples {
		t.Errorf("history of direct/good restarted: %d samples after the reload, %d before", after.Samples, before.Samples)
	}
	if added.Samples != 1 {
		t.Errorf("the new cell second/good has %d samples in its first result, want 1", added.Samples)
	}
	if _, ok := resultOf(line, "direct", "bad"); ok || len(line.Results) != 2 {
		t.Errorf("removed service still reported: %+v", line.Results)
	}
	if !c.stderrHas("lifeline: reloaded " + cfgPath + ": 2 routes, 1 service") {
		t.Errorf("stderr does not confirm the reload:\n%s", c.stderr.String())
	}
	scraped := scrapeMetrics(t, metrics)
	if strings.Contains(scraped, `service="bad"`) || !strings.Contains(scraped, `probe_success{route="second",service="good"} 1`) {
		t.Errorf("metrics did not follow the reload:\n%s", scraped)
	}

	// Broken configs: each is refused with its location, and the running one goes on.
	passFile := filepath.Join(dir, "missing.pass")
	broken := map[string]struct{ yaml, want string }{
		"syntax error":          {head + "routes: [\n  - {name: direct\n", cfgPath + ":"},
		"unknown key":           {head + "colour: red\nroutes:\n  - {name: direct, direct: true}\nservices:\n" + services("good"), cfgPath + ":4:"},
		"bad proxy URL":         {head + "routes:\n  - name: direct\n    proxy: ftp://127.0.0.1:1\nservices:\n" + services("good"), cfgPath + ":6:"},
		"missing password file": {head + "routes:\n  - name: p\n    proxy: socks5://u@127.0.0.1:1\n    password_file: " + passFile + "\nservices:\n" + services("good"), cfgPath + ":7:"},
	}
	last := after.Samples
	for name, b := range broken {
		failures := strings.Count(c.stderr.String(), "reload failed")
		write(b.yaml)
		c.signal(syscall.SIGHUP)
		deadline := time.Now().Add(20 * time.Second)
		for strings.Count(c.stderr.String(), "reload failed") == failures {
			if time.Now().After(deadline) {
				t.Fatalf("%s: no refusal on stderr:\n%s", name, c.stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		msgs := strings.Split(strings.TrimSpace(c.stderr.String()), "\n")
		msg := msgs[len(msgs)-1]
		if !strings.HasPrefix(msg, "lifeline: reload failed, still running the previous config: ") || !strings.Contains(msg, b.want) {
			t.Errorf("%s: refusal %q lacks the location %s", name, msg, b.want)
		}
		// Two more lines: the old plan, its history still growing.
		for range 2 {
			line = c.statusLine()
		}
		now, ok := resultOf(line, "direct", "good")
		if _, ok2 := resultOf(line, "second", "good"); !ok || !ok2 || len(line.Results) != 2 || now.Samples <= last {
			t.Errorf("%s: after the refused reload the line is %+v", name, line.Results)
		}
		last = now.Samples
	}

	c.terminate()
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var r checks.ResultJSON
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		routes[string(r.Route+"/"+r.Service)] = true
	}
	if !routes["direct/bad"] || !routes["second/good"] {
		t.Errorf("the results log did not span the reload: %v", routes)
	}
}

// TestReloadKeepsTheRouteFilter: with --route, the reloaded config is narrowed the same way,
// and one that lost the route is refused while the filtered line goes on.
func TestReloadKeepsTheRouteFilter(t *testing.T) {
	good := fixture.Echo(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	write := func(routes string) {
		t.Helper()
		content := fmt.Sprintf("interval: 1s\ntimeout: 3s\ncontrol: none\nroutes:\n%sservices:\n  - name: good\n    targets:\n      - {role: chat, tcp: %q}\n", routes, good)
		if err := os.WriteFile(cfg+".tmp", []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(cfg+".tmp", cfg); err != nil {
			t.Fatal(err)
		}
	}
	write("  - {name: a, direct: true}\n  - {name: b, direct: true}\n")
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(withHangups(context.Background(), hup))
	defer cancel()
	run := startStatus(ctx, []string{"--config", cfg, "--format", "json", "--route", "b"}, 100)
	result, errOut := run.result, run.errOut
	next := func() ui.StatusLineJSON {
		t.Helper()
		l := run.next(t)
		var got ui.StatusLineJSON
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		return got
	}
	next()

	write("  - {name: a, direct: true}\n  - {name: b, direct: true}\n  - {name: c, direct: true}\n")
	hup <- syscall.SIGHUP
	for !strings.Contains(errOut.String(), "reloaded") {
		if line := next(); len(line.Routes) != 1 || line.Routes[0].Name != "b" {
			t.Fatalf("the filter was lost: %+v", line.Routes)
		}
	}
	write("  - {name: a, direct: true}\n")
	hup <- syscall.SIGHUP
	for !strings.Contains(errOut.String(), "reload failed") {
		next()
	}
	if !strings.Contains(errOut.String(), `--route "b": no such route (have: a)`) {
		t.Errorf("refusal does not name the missing route:\n%s", errOut.String())
	}
	if line := next(); len(line.Routes) != 1 || line.Routes[0].Name != "b" {
		t.Errorf("after the refused reload: %+v", line.Routes)
	}
	cancel()
	if code := <-result; code != 0 {
		t.Errorf("exit %d", code)
	}
}
