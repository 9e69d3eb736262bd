package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/ui"
)

// statusConfig checks two services on the direct route, both on loopback: "good" answers,
// "bad" refuses. A TLS service on a socks5 route with a password adds a route to hide.
func statusConfig(t *testing.T) string {
	t.Helper()
	good := fixture.Echo(t)
	bad := fixture.RefusedAddr(t)
	return writeFile(t, "config.yaml", fmt.Sprintf(`
interval: 1s
timeout: 3s
control: none
routes:
  - name: direct
    direct: true
services:
  - name: good
    short: GD
    targets:
      - {role: chat, tcp: "%s"}
  - name: bad
    short: BD
    targets:
      - {role: chat, tcp: "%s"}
`, good, bad))
}

func runStatusCLI(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = runStatus(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestStatusOnceExitCodes(t *testing.T) {
	cfg := statusConfig(t)
	for _, c := range []struct {
		args []string
		code int
		line string
	}{
		{[]string{"--service", "good"}, checks.ExitOK, "GD✓"},
		{[]string{"--service", "bd"}, checks.ExitDown, "BD✗refused"},
		{nil, checks.ExitDown, "GD✓"},
		{[]string{"--short", "--ascii"}, checks.ExitDown, "GD+ BDx"},
		{[]string{"--format", "nagios", "--service", "good"}, checks.ExitOK, "LIFELINE OK - 1 of 1 ok | 'direct/good'="},
		{[]string{"--format", "nagios", "--service", "good", "-w", "0", "-c", "0"}, checks.ExitOK, "LIFELINE OK"},
		{[]string{"--format", "nagios"}, checks.ExitDown, "LIFELINE CRITICAL - 1 of 2 ok; direct/bad blocked"},
	} {
		args := append([]string{"--once", "--config", cfg, "--color", "never"}, c.args...)
		code, out, errOut := runStatusCLI(context.Background(), args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, code, c.code, errOut)
		}
		if strings.Count(out, "\n") != 1 || !strings.Contains(out, c.line) {
			t.Errorf("%v: output %q, want one line containing %q", c.args, out, c.line)
		}
	}
}

// stuckConfig is a config with one service, "stuck", whose TLS target at addr never answers;
// timeout is the check's and every step's.
func stuckConfig(t *testing.T, addr, timeout string) string {
	t.Helper()
	return writeFile(t, "config.yaml", fmt.Sprintf(`
timeout: %s
step_timeout: %s
control: none
routes:
  - {name: direct, direct: true}
services:
  - name: stuck
    targets:
      - {role: chat, tls: "%s"}
`, timeout, timeout, addr))
}

func TestStatusOnceTimeoutIsUnknown(t *testing.T) {
	hole := fixture.Blackhole(t)
	cfg := stuckConfig(t, hole, "30s")
	start := time.Now()
	code, out, errOut := runStatusCLI(context.Background(), "--once", "--config", cfg, "--format", "nagios", "-t", "1")
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("-t 1 returned after %s", took)
	}
	if code != checks.ExitUnknown || out != "LIFELINE UNKNOWN - timed out after 1s\n" {
		t.Errorf("exit %d, output %q (stderr %q)", code, out, errOut)
	}
}

// lineWriter hands each complete line to a channel, as a bar reading a pipe would see it.
type lineWriter struct {
	mu      sync.Mutex
	partial []byte
	lines   chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.lines <- string(w.partial[:i])
		w.partial = w.partial[i+1:]
	}
}

// statusProcess is a long-running `status` command, as a bar runs it: its lines come on out.lines
// and its exit code on result.
type statusProcess struct {
	out    *lineWriter
	errOut *fixture.SyncBuffer
	result chan int
}

// startStatus runs status with args until ctx ends, keeping up to buffered lines unread.
func startStatus(ctx context.Context, args []string, buffered int) *statusProcess {
	s := &statusProcess{out: &lineWriter{lines: make(chan string, buffered)}, errOut: &fixture.SyncBuffer{}, result: make(chan int, 1)}
	go func() { s.result <- runStatus(ctx, args, s.out, s.errOut) }()
	return s
}

// startStatusExporting runs `status --format json` on cfg with every exporter, as a bar that
// also feeds Prometheus and a results log: it returns the metrics address and the log's path.
func startStatusExporting(ctx context.Context, t *testing.T, cfg string, buffered int) (run *statusProcess, metricsAddr, logPath string) {
	t.Helper()
	metricsAddr = fixture.FreeLoopbackAddr(t)
	logPath = filepath.Join(t.TempDir(), "results.jsonl")
	args := []string{"--config", cfg, "--format", "json", "--metrics", metricsAddr, "--log", logPath}
	return startStatus(ctx, args, buffered), metricsAddr, logPath
}

// next is the next line; the test fails when status stops or prints nothing for 20s.
func (s *statusProcess) next(t *testing.T) string {
	t.Helper()
	select {
	case line := <-s.out.lines:
		return line
	case code := <-s.result:
		t.Fatalf("status stopped early with %d: %s", code, s.errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("no status line within 20s; stderr: %s", s.errOut.String())
	}
	return ""
}

func TestStatusWatchPrintsOneLinePerSweepAndStopsCleanly(t *testing.T) {
	cfg := statusConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, metricsAddr, logPath := startStatusExporting(ctx, t, cfg, 100)
	out, result := run.out, run.result

	const want = 3
	var sweeps []uint64
	for len(sweeps) < want {
		line := run.next(t)
		var got ui.StatusLineJSON
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line does not parse: %v\n%s", err, line)
		}
		if len(got.Results) != 2 || got.Status != "down" {
			t.Fatalf("line %s", line)
		}
		sweeps = append(sweeps, got.Results[0].Sweep)
	}
	for i := 1; i < len(sweeps); i++ {
		if sweeps[i] != sweeps[i-1]+1 {
			t.Errorf("sweeps %v: want one line per sweep, in order", sweeps)
		}
	}

	scraped := scrapeMetrics(t, metricsAddr)
	for _, m := range []string{`probe_success{route="direct",service="good"} 1`, `probe_success{route="direct",service="bad"} 0`} {
		if !strings.Contains(scraped, m) {
			t.Errorf("metrics lack %s", m)
		}
	}

	cancel()
	select {
	case code := <-result:
		if code != 0 {
			t.Errorf("exit %d after cancellation, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("status did not stop within 10s of cancellation")
	}
	if len(out.partial) != 0 {
		t.Errorf("a partial line was left: %q", out.partial)
	}
	if _, err := http.Get("http://" + metricsAddr + "/metrics"); err == nil {
		t.Error("the metrics server outlived the command")
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 2*want {
		t.Errorf("%d log lines for %d sweeps of 2 checks", len(lines), want)
	}
	for _, l := range lines {
		var r checks.ResultJSON
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Route != "direct" {
			t.Errorf("log line %q: %v", l, err)
		}
	}
}

// TestStatusWatchStopsOnSIGTERM runs the real command in a child process and stops it the way
// a service manager does.
func TestStatusWatchStopsOnSIGTERM(t *testing.T) {
	c := startChild(t, "status", "--config", statusConfig(t), "--format", "i3bar")
	var got []string
	for len(got) < 4 { // header, "[", two updates
		got = append(got, c.line())
	}
	got = append(got, c.terminate()...)
	if c.rest.String() != "" {
		t.Errorf("output ended mid-line: %q", c.rest.String())
	}
	var all []json.RawMessage
	if err := json.Unmarshal([]byte(strings.Join(got[1:], "")+"]"), &all); err != nil || len(all) < 2 {
		t.Errorf("i3bar stream is not one JSON array (%v): %q", err, got)
	}
}

func TestMetricsRefusesPublicAddressesUnlessAsked(t *testing.T) {
	for _, c := range []struct {
		addr   string
		public bool
		ok     bool
	}{
		{"127.0.0.1:9464", false, true},
		{"[::1]:9464", false, true},
		{"localhost:9464", false, true},
		{":9464", false, false},
		{"0.0.0.0:9464", false, false},
		{"192.0.2.10:9464", false, false},
		{"0.0.0.0:9464", true, true},
		{"9464", false, false},
	} {
		err := checkMetricsAddr(c.addr, c.public)
		if (err == nil) != c.ok {
			t.Errorf("%s public=%v: %v", c.addr, c.public, err)
		}
		if err != nil && c.addr != "9464" && !strings.Contains(err.Error(), "--metrics-public") {
			t.Errorf("%s: error should say how to allow it: %v", c.addr, err)
		}
	}
	code, out, errOut := runStatusCLI(context.Background(), "--once", "--config", statusConfig(t), "--metrics", ":0")
	if code != checks.ExitUnknown || out != "" || !strings.Contains(errOut, "--metrics-public") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestStatusRejectsUnknownFiltersAndFormats(t *testing.T) {
	cfg := statusConfig(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--route", "tor"}, `--route "tor": no such route (have: direct)`},
		{[]string{"--service", "good,icq"}, `--service "icq": no such service (have: good, bad)`},
		{[]string{"--format", "xml"}, "unknown format"},
		{[]string{"--color", "sometimes"}, "want auto, always or never"},
	} {
		code, out, errOut := runStatusCLI(context.Background(), append([]string{"--once", "--config", cfg}, c.args...)...)
		if code != checks.ExitUnknown || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", c.args, code, out, errOut, c.want)
		}
	}
}

func TestWantColor(t *testing.T) {
	for _, c := range []struct {
		mode     string
		terminal bool
		noColor  string
		want     bool
	}{
		{"auto", true, "", true},
		{"auto", false, "", false},
		{"auto", true, "1", false},
		{"always", false, "1", true},
		{"never", true, "", false},
	} {
		if got, err := wantColor(c.mode, c.terminal, c.noColor); err != nil || got != c.want {
			t.Errorf("%+v: %v %v", c, got, err)
		}
	}
}

func scrapeMetrics(t *testing.T, addr string) string {
	t.Helper()
	return fixture.GetBody(t, &http.Client{Timeout: 5 * time.Second}, "http://"+addr+"/metrics")
}

// A missing or refused config must not leave a bar blank: every format prints its error
// state on stdout, the details go to stderr, and the exit code is 3.
func TestStatusConfigErrorShowsInEveryFormat(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	want := map[string]string{
		"plain":   "lifeline: config error",
		"tmux":    "#[fg=red]lifeline: config error#[default]",
		"polybar": "%{F#f85149}lifeline: config error%{F-}",
		"nagios":  "LIFELINE UNKNOWN - config error: ",
		"waybar":  `"class":"error"`,
		"i3bar":   `"full_text":"lifeline: config error"`,
		"json":    `"error":"config error"`,
	}
	for format, w := range want {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runStatusCLI(context.Background(), "--once", "--format", format, "--config", missing)
			if code != checks.ExitUnknown {
				t.Errorf("exit %d, want 3", code)
			}
			if !strings.Contains(out, w) || !strings.HasSuffix(out, "\n") {
				t.Errorf("stdout %q lacks %q", out, w)
			}
			if !strings.Contains(errOut, "missing.yaml") {
				t.Errorf("stderr does not name the file: %q", errOut)
			}
		})
	}
}
