package interop

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// vpnLab is a stand-in for a VPN: a veth pair whose far end lives in a fresh network
// namespace, like a tunnel device whose far end is the VPN server.
type vpnLab struct {
	ns       string // namespace name, llns-<hex>
	hostDev  string // the device in the root namespace, the route's interface
	hostAddr string // its address, 10.231.X.1
	peerAddr string // the far end inside the namespace, 10.231.X.2
}

// newVPNLab creates the namespace and the veth pair, addressed 10.231.X.1/30 (host) and
// 10.231.X.2/30 (namespace) with X random, and removes both when the test ends.
func newVPNLab(t *testing.T) *vpnLab {
	t.Helper()
	suffix := randomHex(t, 3)
	lab := &vpnLab{ns: "llns-" + suffix, hostDev: "llh-" + suffix}
	peerDev := "llp-" + suffix
	x := freeSubnet(t)
	lab.hostAddr, lab.peerAddr = fmt.Sprintf("10.231.%d.1", x), fmt.Sprintf("10.231.%d.2", x)

	run(t, "ip", "netns", "add", lab.ns)
	t.Cleanup(func() {
		// Deleting the namespace destroys the peer and with it the host end; the explicit
		// link delete only matters if the pair never made it into the namespace.
		runQuiet("ip", "netns", "del", lab.ns)
		runQuiet("ip", "link", "del", lab.hostDev)
	})
	run(t, "ip", "link", "add", lab.hostDev, "type", "veth", "peer", "name", peerDev)
	run(t, "ip", "link", "set", peerDev, "netns", lab.ns)
	run(t, "ip", "addr", "add", lab.hostAddr+"/30", "dev", lab.hostDev)
	run(t, "ip", "link", "set", lab.hostDev, "up")
	run(t, "ip", "-n", lab.ns, "addr", "add", lab.peerAddr+"/30", "dev", peerDev)
	run(t, "ip", "-n", lab.ns, "link", "set", peerDev, "up")
	run(t, "ip", "-n", lab.ns, "link", "set", "lo", "up")
	return lab
}

// freeSubnet picks X so that 10.231.X.0/30 is used by no interface here.
func freeSubnet(t *testing.T) int {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatalf("list addresses: %v", err)
	}
	for range 50 {
		n, err := rand.Int(rand.Reader, big.NewInt(256))
		if err != nil {
			t.Fatal(err)
		}
		x := int(n.Int64())
		_, subnet, _ := net.ParseCIDR(fmt.Sprintf("10.231.%d.0/30", x))
		taken := false
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && (subnet.Contains(ipn.IP) || ipn.Contains(subnet.IP)) {
				taken = true
			}
		}
		if !taken {
			return x
		}
	}
	t.Fatal("no free 10.231.X.0/30 subnet found")
	return 0
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// inNamespace runs open on an OS thread switched into the lab's namespace (see inNetns).
func (lab *vpnLab) inNamespace(t *testing.T, open func() error) {
	t.Helper()
	inNetns(t, lab.ns, open)
}

// inNetns runs open on an OS thread switched into the named namespace, so the sockets it
// creates belong there and keep working from any goroutine afterwards. The thread goes back
// to the root namespace; if it cannot, it stays locked and dies with its goroutine rather
// than run other code in the wrong namespace.
func inNetns(t *testing.T, ns string, open func() error) {
	t.Helper()
	if err := tryInNetns(ns, open); err != nil {
		t.Fatalf("in namespace %s: %v", ns, err)
	}
}

// tryInNetns is inNetns returning the error instead of failing the test.
func tryInNetns(ns string, open func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer home.Close()
		target, err := os.Open("/run/netns/" + ns)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("enter %s: %w", ns, err)
			return
		}
		openErr := open()
		if err := unix.Setns(int(home.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("leave %s: %w", ns, err)
			return // the thread stays locked and is discarded
		}
		runtime.UnlockOSThread()
		errc <- openErr
	}()
	return <-errc
}

// serveMessenger runs the TLS messenger (test CA certificate for targetName) on
// peerAddr:443 inside the namespace.
func (lab *vpnLab) serveMessenger(t *testing.T) {
	t.Helper()
	var ln net.Listener
	lab.inNamespace(t, func() (err error) {
		ln, err = net.Listen("tcp", net.JoinHostPort(lab.peerAddr, "443"))
		return err
	})
	cfg := &tls.Config{Certificates: []tls.Certificate{fixture.Leaf(t, targetName)}}
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") }),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go srv.Serve(tls.NewListener(ln, cfg))
	t.Cleanup(func() { srv.Close() })
}

// serveDNS runs a resolver on peerAddr:53 (UDP and TCP) inside the namespace that knows
// only records (name -> IPv4) and answers NXDOMAIN for every other name.
func (lab *vpnLab) serveDNS(t *testing.T, records map[string]string) *fixture.DNS {
	t.Helper()
	addr := net.JoinHostPort(lab.peerAddr, "53")
	var pc net.PacketConn
	var ln net.Listener
	lab.inNamespace(t, func() (err error) {
		if pc, err = net.ListenPacket("udp", addr); err != nil {
			return err
		}
		ln, err = net.Listen("tcp", addr)
		return err
	})
	return fixture.ServeDNSOn(t, pc, ln, records)
}
