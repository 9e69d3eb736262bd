package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// TestInstalledBinary drives an installed lifeline (CI installs the .deb it built and sets
// LIFELINE_INSTALLED=/usr/bin/lifeline) the way a new user would: version, a starter config,
// one sweep against a loopback TLS server, and the man page and completions where the
// package put them. Skipped when LIFELINE_INSTALLED is not set.
func TestInstalledBinary(t *testing.T) {
	bin := os.Getenv("LIFELINE_INSTALLED")
	if bin == "" {
		t.Skip("set LIFELINE_INSTALLED to an installed lifeline to test it")
	}
	home := t.TempDir()
	lifeline := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"}
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("%s %v: %v", bin, args, err)
		}
		return code, out.String(), errOut.String()
	}

	code, out, _ := lifeline("--version")
	if code != 0 || !strings.HasPrefix(out, "lifeline v") || !strings.Contains(out, "linux/") {
		t.Errorf("--version: exit %d, %q", code, out)
	}

	// The starter config lands in the user config directory and validates as written.
	if code, out, errOut := lifeline("config", "init"); code != 0 || !strings.Contains(out, filepath.Join(home, ".config", "lifeline", "config.yaml")) {
		t.Errorf("config init: exit %d, %q %q", code, out, errOut)
	}
	if code, out, errOut := lifeline("config", "check"); code != 0 || !strings.Contains(out, ": ok") {
		t.Errorf("config check: exit %d, %q %q", code, out, errOut)
	}

	// One sweep through the direct route to a loopback TLS server under a test CA.
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.lifeline.test")})
	cfg := writeFile(t, "config.yaml", fmt.Sprintf(`
timeout: 5s
control: none
ca_files: [%s]
routes:
  - {name: home, direct: true}
services:
  - name: chatapp
    targets:
      - {role: chat, tls: "%s", sni: chat.lifeline.test}
`, caFile(t), srv.Addr))
	code, out, errOut := lifeline("check", "--config", cfg)
	if code != 0 || !strings.Contains(out, "home") || !strings.Contains(out, "✓") {
		t.Errorf("check: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	for _, f := range []string{"/usr/share/man/man1/lifeline.1.gz", "/usr/share/bash-completion/completions/lifeline",
		"/usr/share/zsh/vendor-completions/_lifeline", "/usr/share/fish/vendor_completions.d/lifeline.fish",
		"/usr/lib/systemd/user/lifeline.service", "/usr/lib/systemd/system/lifeline.service"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
}
