package interop

import (
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// The censor lab: three namespaces in a row, client — censor — server, plus a veth pair
// straight from client to server that bypasses the censor. Addresses are private to the
// namespaces; the root namespace gets no device, route or rule.
//
//	client up0 10.77.1.2 ── client0 10.77.1.1 censor server0 10.77.2.1 ── up0 10.77.2.2 server
//	client direct0 10.77.3.1 ───────────────────────────────────────── direct0 10.77.3.2 server
//
// The services live on the server's loopback, one address per censorship technique, and
// the client reaches them through the censor unless a socket is bound to direct0.
const (
	censorLying   = "10.77.1.1" // the censor's side towards the client: gateway and lying resolver
	serverHonest  = "10.77.3.2" // the server's end of the bypass: the truthful resolver
	bypassDevice  = "direct0"   // the client's end of the bypass, the interface route's device
	addrShared    = "10.77.9.10"
	addrDropped   = "10.77.9.11"
	addrCutoff    = "10.77.9.12"
	addrThrottled = "10.77.9.13"
	addrIPBlocked = "10.77.9.14"
	addrDomestic  = "10.77.9.20" // a domestic service an allowlist keeps reachable
	addrForeign   = "10.77.9.21" // a foreign address behind an SNI allowlist
	addrCatalog   = "10.77.9.15" // every built-in service's names (censordefaults_linux_test.go)
	labDomain     = "lifeline.test"
	blobSize      = 2 << 20
	censorPrefix  = "lifeline-censor-"
)

// serviceAddrs are the server addresses of the lab's HTTPS services.
var serviceAddrs = []string{addrShared, addrDropped, addrCutoff, addrThrottled, addrIPBlocked, addrCatalog, addrDomestic, addrForeign}

// Names the services are known by, and the addresses that are true for them; the built-in
// services' own names all point at addrCatalog.
var censorNames = withCatalogNames(map[string]string{
	"open." + labDomain:        addrShared,
	"sni-blocked." + labDomain: addrShared,
	"nx." + labDomain:          addrShared,
	"bogon." + labDomain:       addrShared,
	"dropped." + labDomain:     addrDropped,
	"ipblock." + labDomain:     addrIPBlocked,
	"cutoff." + labDomain:      addrCutoff,
	"slow." + labDomain:        addrThrottled,
	"ya." + labDomain:          addrDomestic,
	"max." + labDomain:         addrDomestic,
	"control." + labDomain:     addrForeign,
	"wa." + labDomain:          addrForeign,
})

// The censor's lies: NXDOMAIN for one name, a loopback answer for another.
const (
	lieNXDomain  = "nx." + labDomain
	lieBogon     = "bogon." + labDomain
	lieBogonAddr = "127.0.0.1"
	sniBlocked   = "sni-blocked." + labDomain
)

type censorLab struct {
	client, censor, server string // namespace names
	dir                    string // configs and the CA file
	caFile                 string
}

// newCensorLab builds the three namespaces, the censor's rules and the servers, and removes
// all of it when the test ends, also on failure.
func newCensorLab(t *testing.T) *censorLab {
	t.Helper()
	removeStaleCensorLabs(t)
	base := fmt.Sprintf("%s%d-%s-", censorPrefix, os.Getpid(), randomHex(t, 2))
	lab := &censorLab{client: base + "client", censor: base + "censor", server: base + "server", dir: t.TempDir()}
	t.Cleanup(func() { removeCensorNamespaces(lab.client, lab.censor, lab.server) })
	for _, ns := range []string{lab.client, lab.censor, lab.server} {
		run(t, "ip", "netns", "add", ns)
		run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	// The pairs are created straight inside the namespaces: no device ever exists in the root
	// namespace, so no name can clash with one there.
	run(t, "ip", "link", "add", "up0", "netns", lab.client, "type", "veth", "peer", "name", "client0", "netns", lab.censor)
	run(t, "ip", "link", "add", "up0", "netns", lab.server, "type", "veth", "peer", "name", "server0", "netns", lab.censor)
	run(t, "ip", "link", "add", bypassDevice, "netns", lab.client, "type", "veth", "peer", "name", bypassDevice, "netns", lab.server)
	for _, a := range []struct{ ns, dev, cidr string }{
		{lab.client, "up0", "10.77.1.2/24"}, {lab.client, bypassDevice, "10.77.3.1/24"},
		{lab.censor, "client0", censorLying + "/24"}, {lab.censor, "server0", "10.77.2.1/24"},
		{lab.server, "up0", "10.77.2.2/24"}, {lab.server, bypassDevice, serverHonest + "/24"},
	} {
		run(t, "ip", "-n", a.ns, "addr", "add", a.cidr, "dev", a.dev)
		run(t, "ip", "-n", a.ns, "link", "set", a.dev, "up")
	}
	for _, addr := range serviceAddrs {
		run(t, "ip", "-n", lab.server, "addr", "add", addr+"/32", "dev", "lo")
	}
	// Unbound sockets take the censor (metric 10); a socket bound to direct0 can only use
	// the route through it (metric 20).
	run(t, "ip", "-n", lab.client, "route", "add", "10.77.9.0/24", "via", censorLying, "dev", "up0", "metric", "10")
	run(t, "ip", "-n", lab.client, "route", "add", "10.77.9.0/24", "via", serverHonest, "dev", bypassDevice, "metric", "20")
	run(t, "ip", "-n", lab.censor, "route", "add", "10.77.9.0/24", "via", "10.77.2.2")
	run(t, "ip", "-n", lab.server, "route", "add", "10.77.1.0/24", "via", "10.77.2.1")
	run(t, "ip", "netns", "exec", lab.censor, "sysctl", "-qw", "net.ipv4.ip_forward=1")

	lab.censorRules(t)
	lab.writeCA(t)
	lab.serveTLS(t)
	lab.startResolvers(t)
	return lab
}

// censorRules installs the censorship: a dropped address (nftables), a reset for one SNI
// string, a reset for every ClientHello to one address, a cut-off after 16 KiB of answer,
// and a 150 kbit/s limit on each connection to one address (see throttle).
func (lab *censorLab) censorRules(t *testing.T) {
	t.Helper()
	nft := func(args ...string) { run(t, "ip", append([]string{"netns", "exec", lab.censor, "nft"}, args...)...) }
	nft("add", "table", "inet", "lifeline")
	nft("add", "chain", "inet", "lifeline", "forward", "{ type filter hook forward priority 0; policy accept; }")
	nft("add", "rule", "inet", "lifeline", "forward", "ip", "daddr", addrDropped, "drop")

	iptables := func(args ...string) {
		run(t, "ip", append([]string{"netns", "exec", lab.censor, "iptables"}, args...)...)
	}
	iptables("-A", "FORWARD", "-p", "tcp", "-d", addrShared, "--dport", "443",
		"-m", "string", "--algo", "bm", "--string", sniBlocked, "-j", "REJECT", "--reject-with", "tcp-reset")
	// 16 03 01 opens the record of every ClientHello: this address answers no name at all.
	iptables("-A", "FORWARD", "-p", "tcp", "-d", addrIPBlocked, "--dport", "443",
		"-m", "string", "--algo", "bm", "--hex-string", "|16 03 01|", "-j", "REJECT", "--reject-with", "tcp-reset")
	iptables("-A", "FORWARD", "-p", "tcp", "-s", addrCutoff, "--sport", "443",
		"-m", "connbytes", "--connbytes", "16384:", "--connbytes-dir", "reply", "--connbytes-mode", "bytes", "-j", "DROP")
	// connbytes counts only with accounting on; the rule above made conntrack exist here.
	run(t, "ip", "netns", "exec", lab.censor, "sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1")

	lab.throttle(t, addrThrottled)
}

// throttleBuckets is how many connections the lab can throttle at once, each with a bucket
// of its own.
const throttleBuckets = 32

// throttle installs the lab's throttle and puts addrs under it: every TCP connection to port
// 443 of a throttled address gets its own 150 kbit/s token bucket that drops what does not
// fit (a 500 ms queue), as the censor's per-flow SNI throttling does. nftables hands each new
// connection the next bucket (a conntrack mark) and sends its packets towards the client to
// that bucket's class; one bucket shared by all connections would be a harsher censor than
// the one described, where TCP's backed-off retransmissions leave multi-second silences.
// Further addresses are put under it with throttleAddr.
func (lab *censorLab) throttle(t *testing.T, addrs ...string) {
	t.Helper()
	var batch, buckets strings.Builder
	batch.WriteString("qdisc add dev client0 root handle 1: htb default 10\n")
	batch.WriteString("class add dev client0 parent 1: classid 1:10 htb rate 1gbit quantum 60000\n")
	for i := 1; i <= throttleBuckets; i++ {
		class := fmt.Sprintf("1:%x", 0x100+i)
		fmt.Fprintf(&batch, "class add dev client0 parent 1: classid %s htb rate 1gbit quantum 60000\n", class)
		fmt.Fprintf(&batch, "qdisc add dev client0 parent %s tbf rate 150kbit burst 3000 latency 500ms\n", class)
		if i > 1 {
			buckets.WriteString(", ")
		}
		fmt.Fprintf(&buckets, "%d : %s", i, class)
	}
	run(t, "ip", "netns", "exec", lab.censor, "tc", "-batch", writeFile(t, lab.dir, "throttle.tc", batch.String()))
	rules := fmt.Sprintf(`add set inet lifeline throttled { type ipv4_addr; }
add rule inet lifeline forward ip daddr @throttled tcp dport 443 ct state new ct mark set numgen inc mod %d offset 1
add rule inet lifeline forward ct mark != 0 meta priority set ct mark map { %s }
`, throttleBuckets, buckets.String())
	run(t, "ip", "netns", "exec", lab.censor, "nft", "-f", writeFile(t, lab.dir, "throttle.nft", rules))
	for _, addr := range addrs {
		run(t, "ip", lab.throttleAddr(addr, true)...)
	}
}

// throttleAddr is the command (for "ip") that puts addr under the throttle, or takes it out;
// connections made before keep what they had.
func (lab *censorLab) throttleAddr(addr string, on bool) []string {
	verb := "add"
	if !on {
		verb = "delete"
	}
	return []string{"netns", "exec", lab.censor, "nft", verb, "element", "inet", "lifeline", "throttled", "{", addr, "}"}
}

// writeCA writes the test CA for the config's ca_files.
func (lab *censorLab) writeCA(t *testing.T) {
	t.Helper()
	lab.caFile = filepath.Join(lab.dir, "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fixture.CA().Cert.Raw})
	if err := os.WriteFile(lab.caFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// serveTLS runs one HTTPS server on port 443 of every server address, with a certificate
// from the test CA for every lab name: "/blob" is blobSize bytes, anything else "ok".
func (lab *censorLab) serveTLS(t *testing.T) {
	t.Helper()
	var names []string
	for name := range censorNames {
		names = append(names, name)
	}
	blob := []byte(strings.Repeat("lifeline blob\n", blobSize/14+1))[:blobSize]
	mux := http.NewServeMux()
	mux.HandleFunc("/blob", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(blob)))
		w.Write(blob)
	})
	site := fixture.ServiceSiteHandler()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if isCatalogHost(r.Host) {
			site.ServeHTTP(w, r) // a built-in service's own host: pages, scripts, uploads
			return
		}
		io.WriteString(w, "ok\n")
	})
	// WhatsApp Web's chat gateway, and a page where one should be.
	mux.Handle(wsGatewayPath, fixture.WebSocketHandler(wsGatewayPath, "", fixture.WebSocketUpgrade))
	mux.Handle(wsPagePath, fixture.WebSocketHandler(wsPagePath, "", fixture.WebSocketPage))
	cfg := &tls.Config{Certificates: []tls.Certificate{fixture.Leaf(t, names...)}}
	srv := &http.Server{
		Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0),
	}
	// One listener per service address (not a wildcard), so other servers can take port 443
	// of the lab's other addresses.
	for _, addr := range serviceAddrs {
		var ln net.Listener
		inNetns(t, lab.server, func() (err error) {
			ln, err = net.Listen("tcp", net.JoinHostPort(addr, "443"))
			return err
		})
		go srv.Serve(tls.NewListener(ln, cfg))
	}
	t.Cleanup(func() { srv.Close() })
}

// Paths of the shared address's HTTPS server: a WebSocket gateway that upgrades, and one that
// answers a page instead.
const (
	wsGatewayPath = "/ws/chat"
	wsPagePath    = "/ws/page"
)

// startResolvers runs dnsmasq twice: in the censor, lying for two names and truthful for the
// rest; in the server on the bypass, truthful for every name.
func (lab *censorLab) startResolvers(t *testing.T) {
	t.Helper()
	var truth []string
	for name, addr := range censorNames {
		truth = append(truth, "--host-record="+name+","+addr)
	}
	var lies []string
	for _, rec := range truth {
		if !strings.Contains(rec, "="+lieNXDomain+",") && !strings.Contains(rec, "="+lieBogon+",") {
			lies = append(lies, rec)
		}
	}
	lies = append(lies, "--address=/"+lieNXDomain+"/", "--address=/"+lieBogon+"/"+lieBogonAddr)
	lab.dnsmasq(t, lab.censor, censorLying, lies)
	lab.dnsmasq(t, lab.server, serverHonest, truth)

	resolv := filepath.Join("/etc/netns", lab.client)
	if err := os.MkdirAll(resolv, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(resolv, "resolv.conf"), []byte("nameserver "+censorLying+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// dnsmasq serves records on addr:53 (UDP and TCP) inside ns, for names under labDomain only.
func (lab *censorLab) dnsmasq(t *testing.T, ns, addr string, records []string) {
	t.Helper()
	args := []string{"netns", "exec", ns, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
		"--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=" + addr, "--port=53",
		"--user=root", "--group=root", "--pid-file=", "--log-facility=-", "--log-queries",
		"--local=/" + labDomain + "/"}
	// The built-in services' names are the lab's too: answered here, never forwarded, and
	// their missing AAAA records are "no data" rather than a refusal.
	for _, name := range catalogHostnames() {
		args = append(args, "--local=/"+name+"/")
	}
	d := startDaemon(t, "ip", append(args, records...)...)
	d.name = "dnsmasq in " + ns
	waitListeningIn(t, d, ns, net.JoinHostPort(addr, "53"))
}

// waitListeningIn polls addr from inside ns until it accepts TCP, like waitListening.
func waitListeningIn(t *testing.T, d *daemon, ns, addr string) {
	t.Helper()
	d.waitListeningVia(t, addr, func(dial func() error) error { return tryInNetns(ns, dial) })
}

// removeCensorNamespaces deletes namespaces and their /etc/netns files; deleting a namespace
// destroys its devices, and with them the censor's rules and queues.
func removeCensorNamespaces(names ...string) {
	for _, ns := range names {
		runQuiet("ip", "netns", "del", ns)
		os.RemoveAll(filepath.Join("/etc/netns", ns))
	}
}

// removeStaleCensorLabs deletes what a crashed earlier run left: lab namespaces whose owning
// process (the pid in the name) is gone. A lab of a running process is left alone.
func removeStaleCensorLabs(t *testing.T) {
	t.Helper()
	out, err := runQuiet("ip", "netns", "list")
	if err != nil {
		t.Fatalf("ip netns list: %v\n%s", err, out)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		ns, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		names = append(names, ns)
	}
	// A resolv.conf may outlive its namespace.
	if entries, err := os.ReadDir("/etc/netns"); err == nil {
		for _, e := range entries {
			names = append(names, e.Name())
		}
	}
	seen := map[string]bool{}
	for _, ns := range names {
		rest, ok := strings.CutPrefix(ns, censorPrefix)
		if !ok || seen[ns] {
			continue
		}
		seen[ns] = true
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		t.Logf("removing %s, left by process %d", ns, pid)
		removeCensorNamespaces(ns)
	}
}
