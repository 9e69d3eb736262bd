//go:build unix

package e2e

import (
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// lab is the loopback fixtures a config can point at.
type lab struct {
	tls, socks, dead, ca string
	dir, config          string
}

func newLab(t *testing.T) *lab {
	t.Helper()
	dir := t.TempDir()
	l := &lab{
		tls:    fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.fixture.test")}).Addr,
		socks:  fixture.NewSOCKS5(t, fixture.SOCKS5Options{}).Addr,
		dead:   fixture.RefusedAddr(t),
		ca:     filepath.Join(dir, "ca.pem"),
		dir:    dir,
		config: filepath.Join(dir, "config.yaml"),
	}
	pemCA := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fixture.CA().Cert.Raw})
	if err := os.WriteFile(l.ca, pemCA, 0o600); err != nil {
		t.Fatal(err)
	}
	return l
}

// write replaces the config with these routes ("direct", "socks-new", "dead-proxy") and one
// service; extra is put at the top, e.g. a key that breaks it.
func (l *lab) write(t *testing.T, extra string, routes ...string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%sinterval: 1s\ntimeout: 3s\nstep_timeout: 2s\ncontrol: none\nca_files: [%q]\nroutes:\n", extra, l.ca)
	for _, r := range routes {
		switch r {
		case "direct":
			b.WriteString("  - name: direct\n    direct: true\n")
		case "socks-new":
			fmt.Fprintf(&b, "  - name: socks-new\n    proxy: socks5://%s\n", l.socks)
		case "dead-proxy":
			fmt.Fprintf(&b, "  - name: dead-proxy\n    proxy: socks5://%s\n", l.dead)
		}
	}
	fmt.Fprintf(&b, "services:\n  - name: fixture\n    title: Fixture\n    short: FX\n    targets:\n      - {role: chat, tls: %q, sni: chat.fixture.test}\n", l.tls)
	tmp := l.config + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, l.config); err != nil {
		t.Fatal(err)
	}
}

// startInShell runs the dashboard from a shell, so the shell's prompt shows once it ends, and
// returns the dashboard's process id.
func startInShell(t *testing.T, s *session, bin, config string) int {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	s.keys(fmt.Sprintf("sh -c 'echo $$ > %s; exec %s --config %s'; echo lifeline-exited-$?", pidFile, bin, config), "Enter")
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the dashboard never started")
	return 0
}

// waitExit waits for the shell to report lifeline's exit status, and returns it.
func (s *session) waitExit() (code, screen string) {
	s.t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		screen = s.screen()
		if m := exitStatus.FindStringSubmatch(screen); m != nil {
			return m[1], screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("lifeline did not exit within %s:\n%s", wait, screen)
	return "", ""
}

var exitStatus = regexp.MustCompile(`lifeline-exited-([0-9]+)`)

func (s *session) format(f string) string {
	return strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", f))
}

// assertTerminalRestored checks what a person needs after lifeline ends: the normal screen,
// a visible cursor and a cooked, echoing terminal.
func (s *session) assertTerminalRestored() {
	s.t.Helper()
	if alt := s.format("#{alternate_on}"); alt != "0" {
		s.t.Errorf("alternate screen still on (alternate_on=%s)", alt)
	}
	if cur := s.format("#{cursor_flag}"); cur != "1" {
		s.t.Errorf("cursor still hidden (cursor_flag=%s)", cur)
	}
	// The quotes keep the typed line from containing the words the shell prints.
	s.keys(`case "$(stty -a)" in *-icanon*|*" -echo "*) echo tty-"raw";; *) echo tty-"sane";; esac`, "Enter")
	deadline := time.Now().Add(wait)
	for {
		scr := s.screen()
		if strings.Contains(scr, "tty-sane") {
			return
		}
		if strings.Contains(scr, "tty-raw") || time.Now().After(deadline) {
			s.t.Errorf("terminal not back to line editing with echo:\n%s", scr)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var uptimeOf = regexp.MustCompile(`uptime [0-9.]+% of ([0-9]+)`)

// samples reads "uptime …% of N" from the detail pane.
func samples(scr string) int {
	m := uptimeOf.FindStringSubmatch(scr)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestDashboardReloadsOnSIGHUPAndCtrlR changes the config under the running dashboard: SIGHUP
// brings a new route in while the open cell's history goes on; a broken config is refused on
// screen with the old rows kept; ctrl+r reloads too; SIGTERM then ends it with the terminal
// restored.
func TestDashboardReloadsOnSIGHUPAndCtrlR(t *testing.T) {
	needTmux(t)
	bin := build(t)
	l := newLab(t)
	l.write(t, "", "direct", "dead-proxy")

	s := newSession(t, 160, 30, "sh")
	pid := startInShell(t, s, bin, l.config)
	s.waitForDashboard()
	s.waitFor("first sweep", "direct", "dead-proxy", "route down", "ms")
	s.keys("l", "Enter")
	var before int
	deadline := time.Now().Add(wait)
	for before < 3 && time.Now().Before(deadline) {
		before = samples(s.waitFor("detail", "Fixture via direct", "uptime"))
		time.Sleep(200 * time.Millisecond)
	}
	if before < 3 {
		t.Fatalf("history never reached 3 samples:\n%s", s.screen())
	}

	l.write(t, "", "direct", "socks-new", "dead-proxy")
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	scr := s.waitFor("reload", "socks-new", "reloaded: 3 routes, 1 service", "Fixture via direct")
	after := samples(scr)
	t.Logf("direct × Fixture: %d samples before SIGHUP, %d on the first screen after it", before, after)
	if after <= before {
		t.Errorf("history of direct × Fixture restarted: %d samples after the reload, %d before:\n%s", after, before, scr)
	}
	s.waitFor("new route checked", "socks5 "+l.socks+" · ✓")

	l.write(t, "colour: red\n", "direct")
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	scr = s.waitFor("refused", "reload failed, still running the previous config", `unknown key "colour"`)
	for _, row := range []string{"direct", "socks-new", "dead-proxy"} {
		if !strings.Contains(scr, row) {
			t.Errorf("row %s gone after a refused reload:\n%s", row, scr)
		}
	}

	s.keys("Escape")
	s.waitGone("failure dismissed", "reload failed")
	s.keys("C-r")
	s.waitFor("ctrl+r on a broken config", "reload failed", `unknown key "colour"`)
	l.write(t, "", "direct", "socks-new")
	s.keys("C-r")
	s.waitFor("ctrl+r", "reloaded: 2 routes, 1 service")
	s.waitGone("removed route", "dead-proxy")

	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, scr := s.waitExit()
	if code != "0" {
		t.Errorf("exit status after SIGTERM is %s, want 0", code)
	}
	if strings.Contains(scr, "socks-new") {
		t.Errorf("dashboard left on the screen:\n%s", scr)
	}
	s.assertTerminalRestored()
}

// TestDashboardStopsOnSIGINTAndSIGTERM: a signal from outside (kill, a service manager) ends
// the dashboard with exit 0 and the terminal as it was.
func TestDashboardStopsOnSIGINTAndSIGTERM(t *testing.T) {
	needTmux(t)
	bin := build(t)
	l := newLab(t)
	l.write(t, "", "direct", "dead-proxy")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			s := newSession(t, 100, 30, "sh")
			pid := startInShell(t, s, bin, l.config)
			s.waitForDashboard()
			s.waitFor("first sweep", "direct", "route down")
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			if code, scr := s.waitExit(); code != "0" {
				t.Errorf("exit status after %s is %s, want 0:\n%s", sig, code, scr)
			}
			s.assertTerminalRestored()
		})
	}
}

// TestDashboardStopsWhenItsTerminalCloses: SIGHUP reloads, but not when the terminal itself
// hung up (window closed, SSH dropped): then lifeline must not linger without a screen.
func TestDashboardStopsWhenItsTerminalCloses(t *testing.T) {
	needTmux(t)
	bin := build(t)
	l := newLab(t)
	l.write(t, "", "direct")
	s := newSession(t, 100, 30, "sh")
	pid := startInShell(t, s, bin, l.config)
	s.waitForDashboard()
	s.waitFor("first sweep", "direct", "ms")
	s.tmux("kill-session", "-t", "e2e")
	deadline := time.Now().Add(wait)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("lifeline (pid %d) still runs %s after its terminal closed", pid, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive reports whether pid is a running process (not gone, not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}
