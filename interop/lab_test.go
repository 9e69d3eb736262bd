//go:build linux

package interop

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// enableEnv switches the suite on. It is opt-in because it starts daemons, needs root and
// creates network namespaces.
const enableEnv = "LIFELINE_INTEROP"

// requireLab skips unless the suite is switched on and can run here, and fails when a program
// the test needs is missing: once someone asked for the suite, a silent skip would hide it.
func requireLab(t *testing.T, programs ...string) {
	t.Helper()
	if os.Getenv(enableEnv) != "1" {
		t.Skipf("interop suite is off: set %s=1 and run as root on Linux with the peers installed (see interop/README.md)", enableEnv)
	}
	if os.Geteuid() != 0 {
		t.Skip("interop suite needs root: it starts sshd and creates network namespaces")
	}
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("%s is not installed (.ci/run installs the packages the suite needs): %v", p, err)
		}
	}
}

// Bounds on waiting for a peer: generous for a loaded 2-core CI machine, still finite.
const (
	startTimeout = 15 * time.Second
	stopTimeout  = 5 * time.Second
	pollEvery    = 50 * time.Millisecond
)

// daemon is a peer program started for one test, in its own process group so whatever it
// forks ends with it.
type daemon struct {
	name   string
	cmd    *exec.Cmd
	out    *boundedBuffer
	exited chan struct{}
	err    error // set before exited closes
}

// startDaemon runs program with args until the test ends. Its output is kept and shown when
// the test fails.
func startDaemon(t *testing.T, program string, args ...string) *daemon {
	t.Helper()
	d := &daemon{name: program, out: &boundedBuffer{limit: 64 << 10}, exited: make(chan struct{})}
	d.cmd = exec.Command(program, args...)
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	d.cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", program, err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			t.Logf("%s %v output:\n%s", program, args, d.out.String())
		}
	})
	return d
}

// stop ends the process group politely, then firmly.
func (d *daemon) stop() {
	pgid := d.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(stopTimeout):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-d.exited
	}
	// Children that outlived their parent still get the group's signal.
	syscall.Kill(-pgid, syscall.SIGKILL)
}

// waitListening polls addr until it accepts TCP. It fails the test if d exits first or the
// bound passes, so a peer that never comes up fails instead of hanging.
func (d *daemon) waitListening(t *testing.T, addr string) {
	t.Helper()
	d.waitListeningVia(t, addr, func(dial func() error) error { return dial() })
}

// waitListeningVia is waitListening with each dial run by via (inside a namespace, say).
func (d *daemon) waitListeningVia(t *testing.T, addr string, via func(dial func() error) error) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-d.exited:
			t.Fatalf("%s exited before listening on %s (%v):\n%s", d.name, addr, d.err, d.out.String())
		default:
		}
		err := via(func() error {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				conn.Close()
			}
			return err
		})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening on %s after %s: %v\n%s", d.name, addr, startTimeout, err, d.out.String())
		}
		time.Sleep(pollEvery)
	}
}

// portOf is the port of a host:port address.
func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("bad address %q: %v", addr, err)
	}
	if _, err := strconv.Atoi(port); err != nil {
		t.Fatalf("bad port in %q", addr)
	}
	return port
}

// writeFile writes a file under dir with mode 0600 and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := dir + "/" + name
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

// run runs a short command to completion and fails the test with its output on error.
func run(t *testing.T, program string, args ...string) {
	t.Helper()
	if out, err := runQuiet(program, args...); err != nil {
		t.Fatalf("%s %v: %v\n%s", program, args, err, out)
	}
}

// runQuiet runs a short command and returns its output and error, for cleanups that must not
// fail the test twice. Short commands are bounded like everything else.
func runQuiet(program string, args ...string) (string, error) {
	cmd := exec.Command(program, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-done
		return out.String(), errors.New("timed out")
	}
}

// boundedBuffer keeps the first limit bytes a process writes; the rest is dropped.
type boundedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *boundedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lookAbs finds program on PATH and returns its absolute path.
func lookAbs(program string) (string, error) {
	p, err := exec.LookPath(program)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}
