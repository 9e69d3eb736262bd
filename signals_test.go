package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/ui"
)

// childArgsEnv, when set, makes the test binary run lifeline with these arguments (JSON), so
// the tests below can signal a real process going through main's run().
const childArgsEnv = "LIFELINE_CHILD_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childArgsEnv, err)
			os.Exit(99)
		}
		if err := lowerFileLimit(os.Getenv(childNoFileEnv)); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childNoFileEnv, err)
			os.Exit(99)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	// Modes that keep history write it under the user's state directory: keep tests (and the
	// children they start, which inherit the environment) out of the real one.
	state, err := os.MkdirTemp("", "lifeline-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(99)
	}
	os.Setenv("XDG_STATE_HOME", state)
	code := m.Run()
	os.RemoveAll(state)
	os.Exit(code)
}

// child is lifeline running as a process of its own: stdout is a pipe read line by line.
type child struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	rest   *fixture.SyncBuffer // stdout after the last newline, once stdout closed
	stderr *fixture.SyncBuffer
	exited chan struct{}
	err    error
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	return startChildEnv(t, nil, args...)
}

// startChildEnv is startChild with extra environment for the child.
func startChildEnv(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(raw), "LC_ALL=C.UTF-8", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{t: t, cmd: cmd, lines: make(chan string, 1000), rest: &fixture.SyncBuffer{}, stderr: &fixture.SyncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.exited
	})
	go func() {
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				c.rest.Write([]byte(line))
				close(c.lines)
				break
			}
			c.lines <- strings.TrimSuffix(line, "\n")
		}
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c
}

// line returns the next stdout line, failing if none comes within a bounded time.
func (c *child) line() string {
	c.t.Helper()
	select {
	case l, ok := <-c.lines:
		if !ok {
			c.t.Fatalf("lifeline exited early; stderr:\n%s", c.stderr.String())
		}
		return l
	case <-time.After(20 * time.Second):
		c.t.Fatalf("no line from lifeline within 20s; stderr:\n%s", c.stderr.String())
	}
	return ""
}

// statusLine returns the next status line parsed as --format json.
func (c *child) statusLine() ui.StatusLineJSON {
	c.t.Helper()
	l := c.line()
	var got ui.StatusLineJSON
	if err := json.Unmarshal([]byte(l), &got); err != nil {
		c.t.Fatalf("status line does not parse (%v): %q", err, l)
	}
	return got
}

// stderrHas reports whether stderr holds text, waiting a bounded time for it: stderr and
// stdout are written by different goroutines, so a message may follow the line that showed
// its effect.
func (c *child) stderrHas(text string) bool { return c.stderrWithin(text, 10*time.Second) }

// stderrWithin reports whether stderr holds text within d.
func (c *child) stderrWithin(text string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !strings.Contains(c.stderr.String(), text) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// waitStderr waits (bounded) until stderr holds want, and fails the test if it never does.
func (c *child) waitStderr(want string) {
	c.t.Helper()
	if !c.stderrWithin(want, 20*time.Second) {
		c.t.Fatalf("stderr never said %q:\n%s", want, c.stderr.String())
	}
}

func (c *child) signal(sig os.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatal(err)
	}
}

// terminate stops lifeline the way a service manager does (SIGTERM) and returns the stdout
// lines not read yet; an exit status other than 0 fails the test.
func (c *child) terminate() []string {
	c.t.Helper()
	c.signal(syscall.SIGTERM)
	code, lines := c.wait()
	if code != 0 {
		c.t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, c.stderr.String())
	}
	return lines
}

// wait returns the exit status and every stdout line not read yet.
func (c *child) wait() (code int, lines []string) {
	c.t.Helper()
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		c.t.Fatalf("lifeline did not exit within 15s; stderr:\n%s", c.stderr.String())
	}
	for l := range c.lines {
		lines = append(lines, l)
	}
	var exit *exec.ExitError
	switch {
	case c.err == nil:
		return 0, lines
	case errors.As(c.err, &exit) && exit.Exited():
		return exit.ExitCode(), lines
	}
	c.t.Fatalf("lifeline did not exit by itself: %v; stderr:\n%s", c.err, c.stderr.String())
	return -1, nil
}

// holdingServer accepts connections and never answers; accepted receives one value per
// connection, so a test knows a sweep is under way.
func holdingServer(t *testing.T) (addr string, accepted chan struct{}) {
	t.Helper()
	accepted = make(chan struct{}, 16)
	addr = fixture.Serve(t, func(conn net.Conn) {
		select {
		case accepted <- struct{}{}:
		default:
		}
		io.Copy(io.Discard, conn) // until the client leaves or the test ends
	})
	return addr, accepted
}

// TestOneShotModesStopOnEverySignal interrupts check and status --once in the middle of a
// sweep (a target that never answers) with SIGINT, SIGTERM and SIGHUP: each ends at once with
// exit 3 and says why, and the Nagios line is whole.
func TestOneShotModesStopOnEverySignal(t *testing.T) {
	addr, accepted := holdingServer(t)
	cfg := stuckConfig(t, addr, "60s")
	modes := []struct {
		name   string
		args   []string
		stdout string
	}{
		{"check", []string{"check", "--config", cfg}, ""},
		{"check --json", []string{"check", "--json", "--config", cfg}, ""},
		{"status --once", []string{"status", "--once", "--config", cfg}, "lifeline: interrupted"}, // a bar shows the error state, never blank
		{"status --once nagios", []string{"status", "--once", "--format", "nagios", "--config", cfg}, "LIFELINE UNKNOWN - interrupted"},
	}
	for _, mode := range modes {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
			t.Run(mode.name+"/"+sig.String(), func(t *testing.T) {
				for len(accepted) > 0 {
					<-accepted // a connection of an earlier run
				}
				c := startChild(t, mode.args...)
				select {
				case <-accepted:
				case <-time.After(20 * time.Second):
					t.Fatalf("the sweep never reached the target; stderr:\n%s", c.stderr.String())
				}
				start := time.Now()
				c.signal(sig)
				code, lines := c.wait()
				t.Logf("%s: exit %d after %s", sig, code, time.Since(start).Round(time.Millisecond))
				if code != checks.ExitUnknown {
					t.Errorf("exit %d, want %d", code, checks.ExitUnknown)
				}
				if !strings.Contains(c.stderr.String(), "interrupted") {
					t.Errorf("stderr does not say it was interrupted: %q", c.stderr.String())
				}
				if got := strings.Join(lines, "\n"); got != mode.stdout || c.rest.String() != "" {
					t.Errorf("stdout %q (unterminated %q), want %q", got, c.rest.String(), mode.stdout)
				}
			})
		}
	}
}

// TestWatchModesStopCleanly stops status watch and the dashboard's fallback for a pipe with
// SIGINT and SIGTERM: exit 0, every line whole, the results log parseable to its last line,
// the metrics server closed.
func TestWatchModesStopCleanly(t *testing.T) {
	cfg := statusConfig(t)
	modes := map[string][]string{
		"status": {"status", "--format", "json"},
		// The dashboard takes only the flags both modes share, so its fallback prints plain lines.
		"dashboard (not a tty)": nil,
	}
	for name, args := range modes {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(name+"/"+sig.String(), func(t *testing.T) {
				logPath := filepath.Join(t.TempDir(), "results.jsonl")
				metrics := fixture.FreeLoopbackAddr(t)
				c := startChild(t, append(args, "--config", cfg, "--log", logPath, "--metrics", metrics)...)
				first := c.line()
				second := c.line()
				scrapeMetrics(t, metrics)
				c.signal(sig)
				code, rest := c.wait()
				if code != 0 {
					t.Errorf("exit %d after %s, want 0; stderr:\n%s", code, sig, c.stderr.String())
				}
				if c.rest.String() != "" {
					t.Errorf("stdout ends mid-line: %q", c.rest.String())
				}
				all := append([]string{first, second}, rest...)
				for _, l := range all {
					if args != nil {
						var got ui.StatusLineJSON
						if err := json.Unmarshal([]byte(l), &got); err != nil {
							t.Errorf("line does not parse: %q", l)
						}
					} else if !strings.Contains(l, "GD✓") || !strings.Contains(l, "BD✗") {
						t.Errorf("line %q is not a whole status line", l)
					}
				}
				data, err := os.ReadFile(logPath)
				if err != nil {
					t.Fatal(err)
				}
				if len(data) == 0 || data[len(data)-1] != '\n' {
					t.Errorf("results log does not end with a whole line: %q", data)
				}
				logLines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
				for _, l := range logLines {
					var r checks.ResultJSON
					if err := json.Unmarshal([]byte(l), &r); err != nil {
						t.Errorf("log line does not parse: %q", l)
					}
				}
				if len(logLines) < 4 {
					t.Errorf("%d log lines for two sweeps of two checks", len(logLines))
				}
				if _, err := (&http.Client{Timeout: time.Second}).Get("http://" + metrics + "/metrics"); err == nil {
					t.Error("metrics still served after exit")
				}
				t.Logf("%s: exit %d, %d whole lines, %d log lines", sig, code, len(all), len(logLines))
			})
		}
	}
}
