package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

func outputsConfig(alerts config.Alerts) *config.Config {
	return &config.Config{
		Plan: checks.Plan{
			Routes:   []checks.RouteSpec{{Name: "vpn", Kind: checks.RouteDirect}},
			Services: []checks.Service{{Name: "signal", Short: "SIG"}},
		},
		Alerts: alerts,
	}
}

func checkEvent(v checks.Verdict) checks.Event {
	now := time.Now()
	return checks.Event{Kind: checks.EventCheckDone, Check: checks.CheckResult{
		Route: "vpn", Service: "signal", Verdict: v, Reason: "reason " + string(v), Started: now, Finished: now,
	}}
}

// TestOutputsAnnounceChangesFromConfigAndLogEveryResult drives the exporters the way status
// and the dashboard do: config alerts plus --log.
func TestOutputsAnnounceChangesFromConfigAndLogEveryResult(t *testing.T) {
	dir := t.TempDir()
	changes := filepath.Join(dir, "changes")
	logPath := filepath.Join(dir, "results.jsonl")
	cfg := outputsConfig(config.Alerts{
		FailureThreshold: 2, SuccessThreshold: 1,
		OnChange: `echo "$LIFELINE_FROM>$LIFELINE_TO" >> ` + changes,
	})
	var stderr bytes.Buffer
	observe, _, stop, err := startOutputs(cfg, &outputFlags{log: logPath, logMaxBytes: 1 << 20}, nil, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []checks.Verdict{checks.VerdictOK, checks.VerdictOK, checks.VerdictBlocked, checks.VerdictBlocked, checks.VerdictOK} {
		observe(checkEvent(v))
	}
	deadline := time.Now().Add(10 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(changes)
		if got = string(data); strings.Count(got, "\n") >= 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if got != "ok>blocked\nblocked>ok\n" {
		t.Errorf("on_change saw %q, want the failure after two bad results and the recovery", got)
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 5 {
		t.Errorf("%d log lines, want 5", n)
	}
}

func TestOutputsFailCleanly(t *testing.T) {
	cfg := outputsConfig(config.DefaultAlerts)
	addr := fixture.FreeLoopbackAddr(t)
	_, _, _, err := startOutputs(cfg, &outputFlags{metrics: addr, log: filepath.Join(t.TempDir(), "missing", "x.jsonl")}, nil, &bytes.Buffer{})
	if err == nil {
		t.Fatal("a log in a missing directory should be an error")
	}
	// The metrics server started before the failure must be gone again.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("metrics port still taken after a failed start: %v", err)
	}
	ln.Close()

	if _, _, _, err := startOutputs(cfg, &outputFlags{metrics: "0.0.0.0:0"}, nil, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "--metrics-public") {
		t.Errorf("public bind: %v", err)
	}
	observe, _, stop, err := startOutputs(cfg, &outputFlags{}, nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	observe(checkEvent(checks.VerdictOK)) // nothing configured: a no-op
	stop()
}
