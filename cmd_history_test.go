package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// Results survive a restart: a second `status --once` reports uptime over both runs, and
// `lifeline history` tells both.
func TestStatusKeepsHistoryAcrossRuns(t *testing.T) {
	cfg := statusConfig(t)
	state := t.TempDir()
	var lines []string
	for range 2 {
		code, out, errOut := runStatusCLI(context.Background(), "--once", "--config", cfg, "--state", state, "--format", "json")
		if code != checks.ExitDown {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		lines = append(lines, out)
	}
	var second struct {
		Results []checks.ResultJSON `json:"results"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatalf("%v: %s", err, lines[1])
	}
	samples := map[string]int{}
	for _, r := range second.Results {
		samples[string(r.Service)] = r.Samples
	}
	if samples["good"] != 2 || samples["bad"] != 2 {
		t.Fatalf("second run's samples %v, want 2 each (first run's results seeded)\n%s", samples, lines[1])
	}

	var out, errOut bytes.Buffer
	if code := run([]string{"history", "--state", state, "--config", cfg, "--format", "json"}, &out, &errOut); code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut.String())
	}
	var rep struct {
		Cells []struct {
			Route, Service string
			Checks         int
			Uptime         float64
			Incidents      []struct {
				Verdict string
				End     *string
				Cause   string
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(rep.Cells) != 2 || rep.Cells[0].Service != "good" || rep.Cells[1].Service != "bad" {
		t.Fatalf("cells in config order wanted: %s", out.String())
	}
	good, bad := rep.Cells[0], rep.Cells[1]
	if good.Checks != 2 || good.Uptime != 1 || len(good.Incidents) != 0 {
		t.Errorf("good: %+v", good)
	}
	if bad.Checks != 2 || bad.Uptime != 0 || len(bad.Incidents) != 1 || bad.Incidents[0].End != nil ||
		bad.Incidents[0].Verdict != "blocked" || !strings.Contains(bad.Incidents[0].Cause, "refused") {
		t.Errorf("bad: %+v", bad)
	}

	out.Reset()
	if code := run([]string{"history", "--state", state, "--config", cfg, "--service", "bad", "--ascii"}, &out, &errOut); code != 0 {
		t.Fatalf("history text: exit %d: %s", code, errOut.String())
	}
	if text := out.String(); !strings.Contains(text, "bad via direct · uptime 0.0%") || strings.Contains(text, "good via") ||
		!strings.Contains(text, "(ongoing)") {
		t.Errorf("history --service bad:\n%s", text)
	}
}

// A state directory that cannot be made (a file stands where it should be) costs the
// history, with a warning, and nothing else.
func TestUnusableStateWarnsAndChecks(t *testing.T) {
	cfg := statusConfig(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runStatusCLI(context.Background(), "--once", "--config", cfg, "--state", filepath.Join(blocker, "state"), "--service", "good")
	if code != checks.ExitOK || !strings.Contains(out, "✓") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "going on without history") {
		t.Errorf("no warning: %q", errOut)
	}
}

// --state off keeps nothing.
func TestStateOffKeepsNothing(t *testing.T) {
	cfg := statusConfig(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if code, _, errOut := runStatusCLI(context.Background(), "--once", "--config", cfg, "--state", "off"); code != checks.ExitDown {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_STATE_HOME"), "lifeline")); !os.IsNotExist(err) {
		t.Errorf("--state off made a store: %v", err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"history", "--state", "off"}, &out, &errOut); code != checks.ExitUnknown || !strings.Contains(errOut.String(), "off") {
		t.Errorf("history --state off: exit %d, %q", code, errOut.String())
	}
}

func TestHistoryBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--since", "yesterday"},
		{"--since", "0h"},
		{"--since", "9999d"},
		{"--format", "xml"},
		{"--state", filepath.Join(t.TempDir(), "none")},
		{"extra"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"history"}, args...), &out, &errOut)
		if code != checks.ExitUnknown || errOut.Len() == 0 || out.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}
