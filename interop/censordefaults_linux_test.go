package interop

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// catalogHostnames are the names of every built-in service's endpoints.
func catalogHostnames() []string {
	var names []string
	for _, s := range config.Catalog() {
		for _, t := range s.Targets {
			if h := t.Host(); net.ParseIP(h) == nil {
				names = append(names, h)
			}
		}
	}
	return names
}

// withCatalogNames adds every built-in service's names to names, all true at addrCatalog:
// the lab's resolvers are the test-only override that points the catalog at fixtures.
func withCatalogNames(names map[string]string) map[string]string {
	for _, h := range catalogHostnames() {
		names[h] = addrCatalog
	}
	return names
}

func isCatalogHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return censorNames[host] == addrCatalog
}

// serveCatalog runs what the built-in services need beyond HTTPS on 443 at addrCatalog in the
// server namespace: WhatsApp's Noise on 5222, TCP that accepts on 5223, TLS on 5228, STUN on
// 3478 and 19302.
func (lab *censorLab) serveCatalog(t *testing.T) {
	t.Helper()
	for _, port := range []string{"5222", "5223", "5228"} {
		var ln net.Listener
		inNetns(t, lab.server, func() (err error) {
			ln, err = net.Listen("tcp", net.JoinHostPort(addrCatalog, port))
			return err
		})
		if port == "5222" { // WhatsApp's chat port speaks Noise: through a proxy it must answer
			fixture.NoiseServerOn(t, ln, fixture.NoiseOptions{})
			continue
		}
		if port == "5228" {
			ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{fixture.Leaf(t, catalogHostnames()...)}})
		}
		go acceptAndHold(ln)
		t.Cleanup(func() { ln.Close() })
	}
	for _, port := range []string{"3478", "19302"} {
		var pc net.PacketConn
		inNetns(t, lab.server, func() (err error) {
			pc, err = net.ListenPacket("udp", net.JoinHostPort(addrCatalog, port))
			return err
		})
		fixture.ServeSTUN(t, pc)
	}
}

// acceptAndHold accepts connections (completing TLS on a TLS listener) and keeps them open
// until the peer leaves, as a chat server would.
func acceptAndHold(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(time.Minute))
			io.Copy(io.Discard, c)
		}()
	}
}

// startHTTPProxy runs tinyproxy inside the client namespace on 127.0.0.1:8888: a route that
// cannot carry UDP. It resolves and connects the client's way, through the censor.
func (lab *censorLab) startHTTPProxy(t *testing.T) string {
	t.Helper()
	const addr = "127.0.0.1:8888"
	conf := writeFile(t, lab.dir, "tinyproxy.conf", "Port 8888\nListen 127.0.0.1\nTimeout 30\nMaxClients 32\n"+
		"Allow 127.0.0.1\nDisableViaHeader Yes\nSyslog Off\nLogLevel Info\nPidFile \""+lab.dir+"/tinyproxy.pid\"\n")
	d := startDaemon(t, "ip", "netns", "exec", lab.client, "tinyproxy", "-d", "-c", conf)
	d.name = "tinyproxy in " + lab.client
	waitListeningIn(t, d, lab.client, addr)
	return addr
}

// defaultsConfig is the lab config for the built-in services: no transfer: and no stun: key,
// so every flow and calls check comes from the catalog's defaults.
func (lab *censorLab) defaultsConfig(t *testing.T, proxy string, services ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "interval: 30s\ntimeout: 15s\nstep_timeout: 3s\nslow: 1m\nper_route: 8\n")
	fmt.Fprintf(&b, "ca_files: [%q]\ncontrol: none\negress: off\ndns_compare: %q\n", lab.caFile, serverHonest+":53")
	fmt.Fprintf(&b, "routes:\n  - {name: censored, direct: true}\n  - {name: bypass, interface: %s, dns: %q}\n", bypassDevice, serverHonest+":53")
	fmt.Fprintf(&b, "  - {name: proxy, proxy: \"http://%s\"}\n", proxy)
	fmt.Fprintf(&b, "services: [%s]\n", strings.Join(services, ", "))
	path := filepath.Join(lab.dir, "defaults.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCensorDefaults points the built-in services at fixtures through the lab's resolvers and
// applies one censorship technique at a time to their address: a cut-off after 20 KB of
// answer, the same on the upload, 150 kbit/s per connection, and dropped UDP. Each gets its own
// verdict and reason on the censored route from the defaults alone; the bypass stays ok; the
// HTTP proxy route shows calls as n/a, never blocked.
func TestCensorDefaults(t *testing.T) {
	requireLab(t, "ip", "nft", "iptables", "tc", "dnsmasq", "sysctl", "tinyproxy")
	bin := buildLifeline(t)
	lab := newCensorLab(t)
	lab.serveCatalog(t)
	proxy := lab.startHTTPProxy(t)
	cfg := lab.defaultsConfig(t, proxy, "whatsapp", "facetime")
	ns := func(args ...string) []string { return append([]string{"netns", "exec", lab.censor}, args...) }

	scenarios := []struct {
		name          string
		forward       []string   // an iptables FORWARD rule in the censor, inserted and then deleted
		apply, remove [][]string // other commands, run for the scenario and to undo it
		check         func(t *testing.T, r labReport)
	}{
		{name: "cut-off after 20 KB of answer",
			forward: []string{"-p", "tcp", "-s", addrCatalog, "--sport", "443", "-m", "connbytes",
				"--connbytes", "20480:", "--connbytes-dir", "reply", "--connbytes-mode", "bytes", "-j", "DROP"},
			check: func(t *testing.T, r labReport) {
				r.expect(t, "censored", "whatsapp", "partial", "media stalls after", "KB on web.whatsapp.com")
			}},
		{name: "cut-off after 20 KB of upload",
			forward: []string{"-p", "tcp", "-d", addrCatalog, "--dport", "443", "-m", "connbytes",
				"--connbytes", "20480:", "--connbytes-dir", "original", "--connbytes-mode", "bytes", "-j", "DROP"},
			check: func(t *testing.T, r labReport) {
				r.expect(t, "censored", "whatsapp", "partial", "media stalls after", "KB on web.whatsapp.com")
			}},
		{name: "150 kbit/s on HTTPS answers",
			apply:  [][]string{lab.throttleAddr(addrCatalog, true)},
			remove: [][]string{lab.throttleAddr(addrCatalog, false)},
			check: func(t *testing.T, r labReport) {
				r.expect(t, "censored", "whatsapp", "slow", "media throttled to", "kbit/s on web.whatsapp.com")
			}},
		{name: "UDP dropped",
			forward: []string{"-p", "udp", "-d", addrCatalog, "-j", "DROP"},
			check: func(t *testing.T, r labReport) {
				r.expect(t, "censored", "whatsapp", "partial", "calls blocked: STUN unanswered by stun.fbsbx.com:3478")
				r.expect(t, "censored", "facetime", "partial", "calls blocked: STUN unanswered by stun.cloudflare.com:3478")
				for _, svc := range []string{"whatsapp", "facetime"} {
					r.expect(t, "proxy", svc, "ok", "calls n/a: this route carries no UDP (an HTTP proxy tunnels TCP only)")
				}
			}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			apply, remove := sc.apply, sc.remove
			if sc.forward != nil {
				apply = append(apply, ns(append([]string{"iptables", "-I", "FORWARD"}, sc.forward...)...))
				remove = append(remove, ns(append([]string{"iptables", "-D", "FORWARD"}, sc.forward...)...))
			}
			for _, cmd := range apply {
				run(t, "ip", cmd...)
			}
			defer func() {
				for _, cmd := range remove {
					run(t, "ip", cmd...)
				}
			}()
			report, _ := lab.check(t, bin, cfg)
			sc.check(t, report)
			for _, svc := range []string{"whatsapp", "facetime"} {
				report.expect(t, "bypass", svc, "ok")
			}
		})
	}
}
