package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOfflineNamespace runs lifeline in a namespace with nothing but lo: every name fails and
// no address is reachable. The direct route is offline, said once, and no service is painted
// as blocked.
func TestOfflineNamespace(t *testing.T) {
	requireLab(t, "ip")
	bin := buildLifeline(t)
	removeStaleCensorLabs(t)
	ns := fmt.Sprintf("%s%d-%s-offline", censorPrefix, os.Getpid(), randomHex(t, 2))
	t.Cleanup(func() { removeCensorNamespaces(ns) })
	run(t, "ip", "netns", "add", ns)
	run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	resolv := filepath.Join("/etc/netns", ns)
	if err := os.MkdirAll(resolv, 0o755); err != nil {
		t.Fatal(err)
	}
	// A resolver the namespace has no route to, as on a laptop whose Wi-Fi is gone.
	if err := os.WriteFile(filepath.Join(resolv, "resolv.conf"), []byte("nameserver "+censorLying+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lab := &censorLab{client: ns, dir: t.TempDir()}
	cfg := writeConfig(t, lab.dir, "control: \"https://control."+labDomain+"/\"\ndomestic: [\"https://ya."+labDomain+"/\"]\n",
		"routes:\n  - {name: direct, direct: true}\n",
		[]labService{
			{"wa", []string{`{role: chat, tls: "wa.lifeline.test:443"}`, `{role: web, https: "https://web.lifeline.test/"}`}},
			{"tg", []string{`{role: chat, tcp: "` + addrShared + `:443"}`}},
			{"max", []string{`{role: chat, tls: "max.lifeline.test:443"}`}},
		})
	report, code := lab.check(t, bin, cfg)
	if code != 2 {
		t.Errorf("exit code %d, want 2 (nothing reachable)", code)
	}
	if len(report.Routes) != 1 || report.Routes[0].State != "offline" || !strings.HasPrefix(report.Routes[0].Reason, "offline: no network") {
		t.Fatalf("routes %+v, want the direct route offline", report.Routes)
	}
	for _, r := range report.Results {
		if r.Verdict != "route-down" || r.Reason != report.Routes[0].Reason {
			t.Errorf("%s × %s: %s — %q, want route-down with the route's offline reason, never blocked", r.Route, r.Service, r.Verdict, r.Reason)
		}
	}
	if len(report.Results) != 3 {
		t.Errorf("%d results, want 3", len(report.Results))
	}
}

// TestAllowlistCensor puts the censor lab under an allowlist as Russia's mobile networks run
// it during shutdowns: the DPI box resets every ClientHello to a foreign address unless it
// names an allowlisted (domestic) server. The domestic reference and MAX pass, the control
// and the foreign service fail: the route is named an allowlist, and the foreign failure is
// never called IP-blocking: the known-good name shows the address answers.
func TestAllowlistCensor(t *testing.T) {
	requireLab(t, "ip", "nft", "iptables", "tc", "dnsmasq", "sysctl")
	bin := buildLifeline(t)
	lab := newCensorLab(t)
	iptables := func(args ...string) {
		run(t, "ip", append([]string{"netns", "exec", lab.censor, "iptables"}, args...)...)
	}
	iptables("-I", "FORWARD", "1", "-p", "tcp", "-d", addrForeign, "--dport", "443",
		"-m", "string", "--algo", "bm", "--hex-string", "|16 03 01|", "-j", "REJECT", "--reject-with", "tcp-reset")
	iptables("-I", "FORWARD", "1", "-p", "tcp", "-d", addrForeign, "--dport", "443",
		"-m", "string", "--algo", "bm", "--string", "ya."+labDomain, "-j", "ACCEPT")
	cfg := writeConfig(t, lab.dir,
		fmt.Sprintf("ca_files: [%q]\ncontrol: \"https://control.%s/\"\ndomestic: [\"https://ya.%s/\"]\ndns_compare: %q\n",
			lab.caFile, labDomain, labDomain, serverHonest+":53"),
		fmt.Sprintf("routes:\n  - {name: censored, direct: true}\n  - {name: bypass, interface: %s, dns: %q}\n", bypassDevice, serverHonest+":53"),
		[]labService{
			{"wa", []string{`{role: chat, tls: "wa.lifeline.test:443"}`}},
			{"max", []string{`{role: chat, tls: "max.lifeline.test:443"}`}},
		})
	report, _ := lab.check(t, bin, cfg)
	states := map[string]string{}
	for _, r := range report.Routes {
		states[r.Name] = r.State
		t.Logf("route %s: %s — %s", r.Name, r.State, r.Reason)
	}
	if states["censored"] != "allowlist" || states["bypass"] != "up" {
		t.Fatalf("route states %v, want censored allowlist and bypass up", states)
	}
	for _, r := range report.Routes {
		if r.Name == "censored" && !strings.HasPrefix(r.Reason, "allowlist: only allowlisted services reach (ya."+labDomain+" answers") {
			t.Errorf("censored route reason %q does not name the allowlist", r.Reason)
		}
	}
	report.expect(t, "censored", "max", "ok")
	wa := report.expect(t, "censored", "wa", "blocked", "TLS reset after ClientHello on wa."+labDomain+" (SNI-filtered: the same address answers ya."+labDomain+")")
	for _, r := range report.Results {
		if strings.Contains(r.Reason, "IP-blocked") {
			t.Errorf("%s × %s called IP-blocked under an allowlist: %q", r.Route, r.Service, r.Reason)
		}
	}
	for _, tr := range wa.Targets {
		if tr.SNIContrast != "sni-filtered" {
			t.Errorf("wa target %s: sni_contrast %q, want sni-filtered (decided by the known-good name)", tr.Target, tr.SNIContrast)
		}
	}
	report.expect(t, "bypass", "wa", "ok")
	report.expect(t, "bypass", "max", "ok")
}

// writeConfig writes a lab config from its settings, routes and services.
func writeConfig(t *testing.T, dir, settings, routes string, services []labService) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("interval: 30s\ntimeout: 12s\nstep_timeout: 3s\nslow: 1m\negress: off\n")
	b.WriteString(settings)
	b.WriteString(routes)
	b.WriteString("services:\n")
	for _, s := range services {
		fmt.Fprintf(&b, "  - name: %s\n    targets:\n", s.name)
		for _, target := range s.targets {
			fmt.Fprintf(&b, "      - %s\n", target)
		}
	}
	path := filepath.Join(dir, "lifeline.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
