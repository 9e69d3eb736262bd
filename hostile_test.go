package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// hostileConfig writes a config with a route per hostile proxy plus the direct route, and a
// service per distinct hostile target.
func hostileConfig(t *testing.T) string {
	t.Helper()
	var routes, services strings.Builder
	routes.WriteString("  - {name: direct, direct: true}\n")
	seen := map[string]bool{}
	for i, p := range hostilelab.Peers(t) {
		if p.Route.Proxy != nil {
			fmt.Fprintf(&routes, "  - {name: p%d, proxy: %q}\n", i, p.Route.Proxy.String())
		}
		if seen[p.Target.Addr] {
			continue
		}
		seen[p.Target.Addr] = true
		target := fmt.Sprintf("{role: chat, tls: %q, sni: %s}", p.Target.Addr, p.Target.SNI)
		if p.Target.Kind == checks.KindHTTPS {
			target = fmt.Sprintf("{role: chat, https: %q}", p.Target.Addr)
		}
		fmt.Fprintf(&services, "  - name: s%d\n    targets: [%s]\n", i, target)
	}
	return writeFile(t, "config.yaml", fmt.Sprintf("timeout: %s\nstep_timeout: %s\ncontrol: none\nca_files: [%s]\nroutes:\n%sservices:\n%s",
		hostilelab.Settings.Timeout, hostilelab.Settings.StepTimeout, caFile(t), routes.String(), services.String()))
}

// TestHostilePeersThroughTheCommands runs check and status against every hostile peer at
// once: the commands end, report the failures, and print nothing (stdout or stderr) with an
// escape, control or bidi character.
func TestHostilePeersThroughTheCommands(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	cfg := hostileConfig(t)
	runs := map[string][]string{
		"check -v":      {"check", "-v", "--config", cfg},
		"check --json":  {"check", "--json", "--config", cfg},
		"status plain":  {"status", "--once", "--color", "never", "--config", cfg},
		"status tmux":   {"status", "--once", "--format", "tmux", "--config", cfg},
		"status json":   {"status", "--once", "--format", "json", "--config", cfg},
		"status nagios": {"status", "--once", "--format", "nagios", "--config", cfg},
	}
	for name, args := range runs {
		code, stdout, stderr := runCLI(args...)
		if code != checks.ExitDown {
			t.Errorf("%s: exit %d, want %d\n%s%s", name, code, checks.ExitDown, stdout, stderr)
		}
		unclean := hostilelab.Unclean
		if strings.HasSuffix(name, "json") {
			unclean = hostilelab.UncleanJSON
		}
		if bad := unclean(stdout); bad != "" {
			t.Errorf("%s: stdout carries %s:\n%q", name, bad, stdout)
		}
		if bad := hostilelab.Unclean(stderr); bad != "" {
			t.Errorf("%s: stderr carries %s:\n%q", name, bad, stderr)
		}
		if name == "check --json" {
			var doc struct{ Results []struct{ Verdict string } }
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.Results) == 0 {
				t.Errorf("check --json does not parse: %v", err)
			}
		}
		if name == "check -v" {
			for _, want := range []string{"socks5: unexpected greeting reply", "HTTP 403", "too many redirects", "answer header larger than 16 KiB"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("check -v lacks %q:\n%s", want, stdout)
				}
			}
		}
	}
}
