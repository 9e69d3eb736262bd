package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCensor runs the real lifeline binary inside the client namespace of a censor lab and
// reads what `check --json` says about each censorship technique: through the censor every
// technique gets its own name; through the bypass every service is ok.
func TestCensor(t *testing.T) {
	requireLab(t, "ip", "nft", "iptables", "tc", "dnsmasq", "sysctl")
	bin := buildLifeline(t)
	lab := newCensorLab(t)
	report, code := lab.check(t, bin, lab.config(t, "", censorServices))
	if code != 2 {
		t.Errorf("exit code %d, want 2 (something blocked)", code)
	}
	for _, r := range report.Routes {
		if !r.OK {
			t.Errorf("route %s reported down: %s", r.Name, r.Reason)
		}
	}

	report.expect(t, "censored", "open", "ok")

	dropped := report.expect(t, "censored", "dropped", "blocked", "timed out", "dropped."+labDomain)
	if dropped.Operation != "connect" || (dropped.Failure != "generic_timeout_error" && dropped.Failure != "timed_out") {
		t.Errorf("dropped address: %s at %s, want a timeout at connect", dropped.Failure, dropped.Operation)
	}

	sni := report.expect(t, "censored", "sni", "blocked",
		"TLS reset after ClientHello on "+sniBlocked+" (SNI-filtered: the same address answers another name)")
	if sni.Failure != "connection_reset" || sni.Operation != "tls_handshake" {
		t.Errorf("SNI reset: %s at %s, want connection_reset at tls_handshake", sni.Failure, sni.Operation)
	}
	for _, tr := range sni.Targets {
		if tr.SNIContrast != "sni-filtered" {
			t.Errorf("SNI reset, target %s: sni_contrast %q, want sni-filtered", tr.Target, tr.SNIContrast)
		}
	}

	ipb := report.expect(t, "censored", "ipblock", "blocked",
		"TLS reset after ClientHello on ipblock."+labDomain+" (IP-blocked: another name fails there too)")
	if len(ipb.Targets) != 1 || ipb.Targets[0].SNIContrast != "ip-blocked" {
		t.Errorf("address reset for every name: targets %+v, want sni_contrast ip-blocked", ipb.Targets)
	}

	nx := report.expect(t, "censored", "nx", "blocked",
		"DNS tampered for "+lieNXDomain+": NXDOMAIN here, "+addrShared+" via bypass")
	if nx.Failure != "dns_tampered" || len(nx.Targets) != 1 || nx.Targets[0].Failure != "dns_nxdomain_error" {
		t.Errorf("NXDOMAIN lie: failure %s, targets %+v; want dns_tampered over a dns_nxdomain_error target", nx.Failure, nx.Targets)
	}
	nx.expectDNS(t, lieNXDomain, nil, "dns_nxdomain_error", addrShared)

	bogon := report.expect(t, "censored", "bogon", "blocked",
		"DNS tampered for "+lieBogon+": bogon answer "+lieBogonAddr+" here, "+addrShared+" via bypass")
	if bogon.Failure != "dns_tampered" {
		t.Errorf("loopback lie: failure %s, want dns_tampered", bogon.Failure)
	}
	bogon.expectDNS(t, lieBogon, []string{lieBogonAddr}, "", addrShared)

	for _, svc := range censorServices {
		c := report.expect(t, "bypass", svc.name, "ok")
		for _, tr := range c.Targets {
			if !tr.OK {
				t.Errorf("bypass × %s: %s failed: %s", svc.name, tr.Target, tr.Reason)
			}
		}
	}
}

// TestCensorTransfer measures bulk transfer through the censor: a connection cut off after
// 16 KiB of answer stalls, a 150 kbit/s limit per connection is throttled, and the bypass has neither.
func TestCensorTransfer(t *testing.T) {
	requireLab(t, "ip", "nft", "iptables", "tc", "dnsmasq", "sysctl")
	bin := buildLifeline(t)
	lab := &censorLab{dir: t.TempDir()}
	lab.writeCA(t)
	cfg := lab.config(t, transferSettings, transferServices)
	if out, err := exec.Command(bin, "config", "check", "--config", cfg).CombinedOutput(); err != nil {
		if strings.Contains(string(out), "transfer") {
			t.Skipf("this build has no transfer probe: the config parser rejects the transfer key (%s)", strings.TrimSpace(string(out)))
		}
		t.Fatalf("config check: %v\n%s", err, out)
	}
	lab = newCensorLab(t)
	report, code := lab.check(t, bin, lab.config(t, transferSettings, transferServices))
	if code == 0 {
		t.Errorf("exit code 0: the censor's cut-off and throttle went unnoticed")
	}
	cut := report.result(t, "censored", "cutoff")
	if cut.Verdict == "ok" || (cut.Verdict != "partial" && cut.Verdict != "blocked") || !strings.Contains(cut.Reason, "stalls after") {
		t.Errorf("cut-off after 16 KiB: %s — %q, want partial or blocked saying \"stalls after\"", cut.Verdict, cut.Reason)
	}
	report.expect(t, "censored", "throttled", "slow", "throttled to")
	for _, svc := range transferServices {
		report.expect(t, "bypass", svc.name, "ok")
	}
}

// labService is one inline service of the lab config.
type labService struct {
	name    string
	targets []string // YAML flow mappings
}

var censorServices = []labService{
	{"open", []string{`{role: chat, tls: "open.lifeline.test:443"}`, `{role: web, https: "https://open.lifeline.test/", expect: 200}`}},
	{"dropped", []string{`{role: chat, tls: "dropped.lifeline.test:443"}`}},
	{"sni", []string{`{role: chat, tls: "sni-blocked.lifeline.test:443"}`, `{role: web, https: "https://sni-blocked.lifeline.test/", expect: 200}`}},
	{"ipblock", []string{`{role: chat, tls: "ipblock.lifeline.test:443"}`}},
	{"nx", []string{`{role: chat, tls: "nx.lifeline.test:443"}`}},
	{"bogon", []string{`{role: chat, tls: "bogon.lifeline.test:443"}`}},
}

var transferServices = []labService{
	{"cutoff", []string{`{role: media, transfer: "https://cutoff.lifeline.test/blob"}`}},
	{"throttled", []string{`{role: media, transfer: "https://slow.lifeline.test/blob"}`}},
}

const transferSettings = "transfer: {every: 1m, bytes: 64KiB, slow_below: 1Mbit}\n"

// config writes a lifeline config for the lab: the censored direct route and the bypass as
// an interface route with the truthful resolver, which also serves the DNS comparison. No
// control target and no egress check, so nothing outside the lab is contacted.
func (lab *censorLab) config(t *testing.T, extra string, services []labService) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "interval: 30s\ntimeout: 12s\nstep_timeout: 3s\nslow: 1m\n")
	fmt.Fprintf(&b, "ca_files: [%q]\ncontrol: none\negress: off\ndns_compare: %q\n", lab.caFile, serverHonest+":53")
	b.WriteString(extra)
	fmt.Fprintf(&b, "routes:\n  - {name: censored, direct: true}\n  - {name: bypass, interface: %s, dns: %q}\n", bypassDevice, serverHonest+":53")
	b.WriteString("services:\n")
	for _, s := range services {
		fmt.Fprintf(&b, "  - name: %s\n    targets:\n", s.name)
		for _, target := range s.targets {
			fmt.Fprintf(&b, "      - %s\n", target)
		}
	}
	path := filepath.Join(lab.dir, "lifeline.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// buildLifeline builds the lifeline binary from this module into the test's temp dir.
func buildLifeline(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "lifeline")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".")
	cmd.Dir = ".." // the module root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// labReport is the part of `check --json` these tests read, spelled as users see it.
type labReport struct {
	Routes []struct {
		Name   string `json:"name"`
		OK     bool   `json:"ok"`
		State  string `json:"state"`
		Reason string `json:"reason"`
	} `json:"routes"`
	Results []labResult `json:"results"`
}

type labResult struct {
	Route     string `json:"route"`
	Service   string `json:"service"`
	Verdict   string `json:"verdict"`
	Reason    string `json:"reason"`
	Failure   string `json:"failure"`
	Operation string `json:"operation"`
	Targets   []struct {
		Target      string `json:"target"`
		OK          bool   `json:"ok"`
		Failure     string `json:"failure"`
		Reason      string `json:"reason"`
		Proof       string `json:"proof"`
		SNIContrast string `json:"sni_contrast"`
	} `json:"targets"`
	DNS []struct {
		Name          string   `json:"name"`
		System        []string `json:"system"`
		SystemFailure string   `json:"system_failure"`
		Compare       []string `json:"compare"`
		Via           string   `json:"via"`
		Tampered      bool     `json:"tampered"`
	} `json:"dns"`
}

// check runs `lifeline check --json` inside the client namespace and returns the report and
// the exit code.
func (lab *censorLab) check(t *testing.T, bin, config string) (labReport, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", lab.client, bin, "check", "--json", "--config", config)
	cmd.Env = []string{"HOME=" + lab.dir, "PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("lifeline check: %v\n%s", err, stderr.String())
	}
	var report labReport
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("lifeline check --json (exit %d) printed no report: %v\nstdout:\n%s\nstderr:\n%s", code, err, stdout.String(), stderr.String())
	}
	for _, r := range report.Results {
		t.Logf("%s × %s: %s — %s", r.Route, r.Service, r.Verdict, r.Reason)
	}
	return report, code
}

// result is route × service, failing the test when the report lacks it.
func (r labReport) result(t *testing.T, route, service string) labResult {
	t.Helper()
	for _, res := range r.Results {
		if res.Route == route && res.Service == service {
			return res
		}
	}
	t.Fatalf("no result for %s × %s", route, service)
	return labResult{}
}

// expect fails unless route × service has the verdict and a reason holding every text given.
func (r labReport) expect(t *testing.T, route, service, verdict string, texts ...string) labResult {
	t.Helper()
	res := r.result(t, route, service)
	if res.Verdict != verdict {
		t.Errorf("%s × %s: %s — %q, want %s", route, service, res.Verdict, res.Reason, verdict)
	}
	for _, text := range texts {
		if !strings.Contains(res.Reason, text) {
			t.Errorf("%s × %s: reason %q lacks %q", route, service, res.Reason, text)
		}
	}
	return res
}

// expectDNS fails unless the result compared name and found both answers as given.
func (res labResult) expectDNS(t *testing.T, name string, system []string, systemFailure, truth string) {
	t.Helper()
	for _, d := range res.DNS {
		if d.Name != name {
			continue
		}
		if !d.Tampered || d.Via != "bypass" || d.SystemFailure != systemFailure ||
			strings.Join(d.System, ",") != strings.Join(system, ",") || strings.Join(d.Compare, ",") != truth {
			t.Errorf("DNS comparison for %s: %+v, want tampered, system %v%s, %s via bypass", name, d, system, systemFailure, truth)
		}
		return
	}
	t.Errorf("%s × %s compared no DNS answer for %s: %+v", res.Route, res.Service, name, res.DNS)
}
