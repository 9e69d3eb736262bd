package interop

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// TestNoDNSLeakThroughProxies runs the real lifeline binary in a fresh network namespace
// whose resolv.conf (the /etc/netns/NAME/resolv.conf that `ip netns exec` mounts) names a
// recording DNS server on the namespace's loopback. Through a SOCKS5 and an HTTP proxy, the
// TLS and HTTPS checks of svc.lifeline.test must work and the recorder must see no query at
// all; the same binary on the direct route, as a control, is seen resolving its name.
func TestNoDNSLeakThroughProxies(t *testing.T) {
	requireLab(t, "ip", "go")
	lab := &vpnLab{ns: "lldns-" + randomHex(t, 3), peerAddr: "127.0.0.1"}
	run(t, "ip", "netns", "add", lab.ns)
	t.Cleanup(func() { runQuiet("ip", "netns", "del", lab.ns) })
	run(t, "ip", "-n", lab.ns, "link", "set", "lo", "up")
	etc := filepath.Join("/etc/netns", lab.ns)
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(etc) })
	writeFile(t, etc, "resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
	os.Chmod(filepath.Join(etc, "resolv.conf"), 0o644)

	const directName = "direct.lifeline.test"
	recorder := lab.serveDNS(t, map[string]string{directName: "127.0.0.1"})
	lab.serveMessenger(t) // 127.0.0.1:443 inside the namespace, for the direct control

	// The proxies listen inside the namespace; they forward from the root namespace (their
	// goroutines run there) to a messenger on its loopback, by the table in Hosts, and never
	// use DNS themselves.
	upstream := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, targetName)})
	hosts := map[string]string{targetName: upstream.Addr}
	var socksAddr, connectAddr string
	lab.inNamespace(t, func() error {
		socksAddr = fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts}).Addr
		connectAddr = fixture.NewConnect(t, fixture.ConnectOptions{Hosts: hosts}).Addr
		return nil
	})

	bin := buildLifeline(t)
	dir := t.TempDir()
	ca := writeFile(t, dir, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fixture.CA().Cert.Raw})))
	proxies := writeFile(t, dir, "proxies.yaml", fmt.Sprintf(`
timeout: 10s
control: none
ca_files: [%s]
routes:
  - {name: socks, proxy: "socks5://%s"}
  - {name: http, proxy: "http://%s"}
services:
  - name: messenger
    targets:
      - {role: chat, tls: "%s:443"}
      - {role: web, https: "https://%s/", expect: 200}
`, ca, socksAddr, connectAddr, targetName, targetName))
	results := checkInNamespace(t, lab.ns, bin, proxies)
	for _, route := range []string{"socks", "http"} {
		if results[route] != "ok" {
			t.Errorf("%s route: verdict %q, want ok", route, results[route])
		}
	}
	if asked := recorder.Queries(); len(asked) > 0 {
		t.Errorf("lifeline resolved names locally on proxy routes: %v", asked)
	}

	direct := writeFile(t, dir, "direct.yaml", fmt.Sprintf(`
timeout: 10s
control: none
ca_files: [%s]
routes:
  - {name: home, direct: true}
services:
  - name: messenger
    targets:
      - {role: chat, tls: "%s:443", sni: %s}
`, ca, directName, targetName))
	if got := checkInNamespace(t, lab.ns, bin, direct); got["home"] != "ok" {
		t.Errorf("direct control: verdict %q, want ok", got["home"])
	}
	if !recorder.Asked(directName) {
		t.Fatalf("the recorder did not see the direct route resolve %s: it cannot tell a leak from silence", directName)
	}
}

// checkInNamespace runs `lifeline check --json` inside ns and returns route → verdict.
func checkInNamespace(t *testing.T, ns, bin, cfg string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", "netns", "exec", ns, bin, "check", "--json", "--config", cfg).Output()
	var doc struct {
		Results []struct{ Route, Verdict, Reason string }
	}
	if jerr := json.Unmarshal(out, &doc); jerr != nil {
		t.Fatalf("lifeline check in %s: %v (%v)\n%s", ns, err, jerr, out)
	}
	verdicts := map[string]string{}
	for _, r := range doc.Results {
		verdicts[r.Route] = r.Verdict
		t.Logf("%s: %s (%s)", r.Route, r.Verdict, r.Reason)
	}
	return verdicts
}
