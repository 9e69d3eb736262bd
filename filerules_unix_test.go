//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// TestAConfigThatIsNotARegularFileIsRefusedAtOnce: /dev/zero (endless) and a FIFO nobody
// writes (which blocks an open or a read forever) given as --config end the command with a
// clear error and exit 3; neither is read, neither hangs.
func TestAConfigThatIsNotARegularFileIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "config.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for name, path := range map[string]string{"/dev/zero": "/dev/zero", "fifo": fifo} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			c := startChild(t, "check", "--config", path)
			code, _ := c.wait()
			t.Logf("%s: exit %d after %s", name, code, time.Since(start).Round(time.Millisecond))
			if code != checks.ExitUnknown {
				t.Errorf("exit %d, want %d", code, checks.ExitUnknown)
			}
			if !c.stderrHas("not a regular file") || !c.stderrHas(path) {
				t.Errorf("stderr does not say the file is not a regular one:\n%s", c.stderr.String())
			}
		})
	}
}

// TestAReloadFromAFIFOFailsAndLaterReloadsWork: in watch mode the config is swapped for a FIFO
// with no writer and SIGHUP sent. The reload is refused with a clear error, the previous
// config keeps running, the next reload (from a regular file again) is applied, and SIGTERM
// still ends the process.
func TestAReloadFromAFIFOFailsAndLaterReloadsWork(t *testing.T) {
	good := fixture.Echo(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	body := func(route string) string {
		return "interval: 1s\ntimeout: 3s\ncontrol: none\nroutes:\n  - {name: " + route + ", direct: true}\n" +
			"services:\n  - name: good\n    targets:\n      - {role: chat, tcp: \"" + good + "\"}\n"
	}
	if err := os.WriteFile(cfgPath, []byte(body("first")), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startChild(t, "status", "--format", "json", "--config", cfgPath)
	c.statusLine()

	if err := os.Remove(cfgPath); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(cfgPath, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	sent := time.Now()
	c.signal(syscall.SIGHUP)
	c.waitStderr("reload failed")
	t.Logf("the reload from a FIFO was refused %s after SIGHUP", time.Since(sent).Round(time.Millisecond))
	if !c.stderrHas("not a regular file") {
		t.Errorf("the refusal does not say why:\n%s", c.stderr.String())
	}
	// The old plan goes on.
	if line := c.statusLine(); len(line.Results) != 1 || line.Results[0].Route != "first" {
		t.Errorf("after the refused reload: %+v", line.Results)
	}

	tmp := cfgPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(body("second")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, cfgPath); err != nil {
		t.Fatal(err)
	}
	c.signal(syscall.SIGHUP)
	c.waitStderr("lifeline: reloaded")
	c.terminate()
}
