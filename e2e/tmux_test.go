//go:build unix

// Package e2e drives the real lifeline binary in tmux the way a person would: start it, read
// the screen, press keys, resize, quit.
package e2e

import (
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// wait bounds every poll of the screen; the binary's sweeps run against loopback and finish
// in well under a second, so this only matters when something hangs.
const wait = 20 * time.Second

// session is one tmux server of our own (its own socket), so tests never touch a user's tmux.
type session struct {
	t      *testing.T
	socket string
}

func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install -y tmux); skipping the terminal end-to-end test")
	}
}

func newSession(t *testing.T, w, h int, command ...string) *session {
	t.Helper()
	s := &session{t: t, socket: fmt.Sprintf("lifeline-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	args := []string{"new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h),
		"-e", "LANG=C.UTF-8", "-e", "NO_COLOR=", "-e", "HOME=" + t.TempDir()}
	s.tmux(append(args, command...)...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *session) tmux(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *session) screen() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

func (s *session) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// waitFor polls the screen until every want appears, or fails after a bounded time.
func (s *session) waitFor(what string, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(wait)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		missing := false
		for _, w := range want {
			if !strings.Contains(scr, w) {
				missing = true
				break
			}
		}
		if !missing {
			return scr
		}
		time.Sleep(150 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen never showed %q within %s:\n%s", what, want, wait, scr)
	return ""
}

// exitedLine matches the shell's report that lifeline ended (not the typed command line).
var exitedLine = regexp.MustCompile(`lifeline-exited-[0-9]`)

// waitForDashboard waits until the dashboard draws, failing if lifeline exits first.
func (s *session) waitForDashboard() {
	s.t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		scr := s.screen()
		switch {
		case exitedLine.MatchString(scr):
			s.t.Fatalf("lifeline exited instead of showing the dashboard:\n%s", scr)
		case strings.Contains(scr, "route"):
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// waitGone polls the screen until gone no longer appears, or fails after a bounded time.
func (s *session) waitGone(what, gone string) {
	s.t.Helper()
	deadline := time.Now().Add(wait)
	scr := s.screen()
	for strings.Contains(scr, gone) {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: screen still shows %q after %s:\n%s", what, gone, wait, scr)
		}
		time.Sleep(150 * time.Millisecond)
		scr = s.screen()
	}
}

// build compiles the real binary from the module root; LIFELINE_BIN names a prebuilt one.
func build(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("LIFELINE_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "lifeline")
	out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeConfig starts the fixtures and writes a config using them: direct to a TLS server, a
// working SOCKS5 proxy, and a proxy on a refused port. Nothing leaves loopback.
func writeConfig(t *testing.T, interval string) string {
	t.Helper()
	dir := t.TempDir()
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.fixture.test")})
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	dead := fixture.RefusedAddr(t)

	ca := filepath.Join(dir, "ca.pem")
	pemCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fixture.CA().Cert.Raw})
	if err := os.WriteFile(ca, pemCA, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`interval: %s
timeout: 3s
step_timeout: 2s
control: none
ca_files: [%q]
routes:
  - name: direct
    direct: true
  - name: socks-ok
    proxy: socks5://%s
  - name: dead-proxy
    proxy: socks5://%s
services:
  - name: fixture
    title: Fixture
    short: FX
    targets:
      - {role: chat, tls: "%s", sni: chat.fixture.test}
`, interval, ca, socks.Addr, dead, srv.Addr)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDashboardInTmux(t *testing.T) {
	needTmux(t)
	bin := build(t)
	cfg := writeConfig(t, "30s")

	// A shell runs the dashboard so that, after q, we can see the shell come back.
	s := newSession(t, 100, 30, "sh")
	s.keys(fmt.Sprintf("%s --config %s; echo lifeline-exited-$?", bin, cfg), "Enter")

	s.waitForDashboard()
	scr := s.waitFor("first sweep", "direct", "socks-ok", "dead-proxy", "Fixture", "ms", "route down")
	if strings.Contains(scr, "pending") {
		// Cells fill one by one; give the last ones a moment before reading the screen.
		scr = s.waitFor("all cells", "route down")
	}
	if alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}")); alt != "1" {
		t.Errorf("dashboard is not on the alternate screen (alternate_on=%s)", alt)
	}

	// Move to the Fixture column and open its detail.
	s.keys("l", "Enter")
	s.waitFor("detail", "Fixture via direct", "targets", "chat.fixture.test")
	s.keys("Escape")
	// Wait for the detail to close: a key sent right after Escape would read as alt+key.
	s.waitGone("detail closed", "Fixture via direct")

	// Recheck the selected route, then pause.
	s.keys("r")
	s.keys("p")
	s.waitFor("pause", "PAUSED")

	// Resize narrower: the dashboard redraws with short names and does not die.
	s.tmux("resize-window", "-t", "e2e", "-x", "30", "-y", "10")
	s.waitFor("narrow", "FX", "PAUSED")
	s.tmux("resize-window", "-t", "e2e", "-x", "100", "-y", "30")
	s.waitFor("wide again", "Fixture", "PAUSED")

	s.keys("q")
	scr = s.waitFor("quit", "lifeline-exited-0")
	if strings.Contains(scr, "PAUSED") || strings.Contains(scr, "route down") {
		t.Errorf("dashboard left on the screen after quitting:\n%s", scr)
	}
	if alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}")); alt != "0" {
		t.Errorf("alternate screen still on after quitting (alternate_on=%s)", alt)
	}
}

// TestIdleCPU measures the CPU the real dashboard uses while idle between sweeps. It takes
// over 30 seconds, so it runs only when LIFELINE_IDLE_CPU=1 (scripts/idle-cpu.sh sets it).
// LIFELINE_IDLE_ROUTES and LIFELINE_IDLE_SERVICES choose a grid of that size (default: the
// three-route fixture), LIFELINE_IDLE_SECONDS how long to measure (default 30).
func TestIdleCPU(t *testing.T) {
	if os.Getenv("LIFELINE_IDLE_CPU") == "" {
		t.Skip("set LIFELINE_IDLE_CPU=1 to measure idle CPU (takes ~35s)")
	}
	needTmux(t)
	bin := build(t)
	routes, services := envInt(t, "LIFELINE_IDLE_ROUTES", 0), envInt(t, "LIFELINE_IDLE_SERVICES", 4)
	idle := time.Duration(envInt(t, "LIFELINE_IDLE_SECONDS", 30)) * time.Second
	cfg := writeConfig(t, "10m")
	if routes > 0 {
		cfg = writeGridConfig(t, routes, services, "10m")
	}
	s := newSession(t, 100, 30, bin, "--config", cfg)
	s.waitFor("first sweep", "next sweep in")
	s.waitGone("sweep settled", "pending")
	pid := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}"))
	time.Sleep(2 * time.Second)
	before := cpuTicks(t, pid)
	time.Sleep(idle)
	used := cpuTicks(t, pid) - before
	// Clock ticks are 1/100 s on Linux.
	share := float64(used) * 10 * float64(time.Millisecond) / float64(idle) * 100
	size := "3 routes × 1 service"
	if routes > 0 {
		size = fmt.Sprintf("%d routes × %d services", routes, services)
	}
	t.Logf("%s at 100×30, idle for %s: %d clock ticks of CPU (%.0fms, %.3f%% of one core)", size, idle, used, float64(used)*10, share)
	if share > 5 {
		t.Errorf("dashboard used %.2f%% of a core while idle", share)
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a whole number", name, v)
	}
	return n
}

// cpuTicks is utime+stime of a process from /proc, in clock ticks.
func cpuTicks(t *testing.T, pid string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		t.Skipf("cannot read process CPU time: %v", err)
	}
	// Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}
