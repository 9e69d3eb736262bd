package engine_test

import (
	"context"
	"net"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

func TestMissingInterfaceFailsDialsBeforeAnyTraffic(t *testing.T) {
	r := ifaceRoute(t, "nosuchif0", "127.0.0.1:53")
	echo := fixture.Echo(t)
	_, port, _ := net.SplitHostPort(echo)
	for _, addr := range []string{echo, net.JoinHostPort("chat.example.test", port)} {
		_, _, err := dialWithin(t, r, addr, 2*time.Second)
		skipIfBindForbidden(t, err)
		wantRouteErr(t, err, checks.FailInterfaceMissing, checks.OpInterface, "interface nosuchif0 not found")
	}
}

// Loopback is a device every Linux has, up and with an address: enough to prove that the
// socket binds and that names go to the route's own resolver.
func TestLoopbackInterfaceRouteResolvesThroughItsOwnDNS(t *testing.T) {
	echo := fixture.Echo(t)
	_, port, _ := net.SplitHostPort(echo)
	dns := fixture.NewDNS(t, map[string]string{"chat.example.test": "127.0.0.1"})
	r := ifaceRoute(t, "lo", dns.Addr)
	if err := checkWithin(t, r, 2*time.Second); err != nil {
		t.Fatalf("Check(lo): %v", err)
	}
	conn, trace, err := dialWithin(t, r, net.JoinHostPort("chat.example.test", port), 3*time.Second)
	skipIfBindForbidden(t, err)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	echoes(t, conn)
	if !dns.Asked("chat.example.test") {
		t.Errorf("the route's DNS server was not asked; queries: %q", dns.Queries())
	}
	if trace.DNS <= 0 || trace.Connect <= 0 {
		t.Errorf("trace DNS=%v Connect=%v, want both timed", trace.DNS, trace.Connect)
	}

	_, _, err = dialWithin(t, r, net.JoinHostPort("gone.example.test", port), 3*time.Second)
	wantRouteErr(t, err, checks.FailDNSNXDomain, checks.OpResolve, "")
}

// In a fresh network namespace loopback exists but is down, and a new tun device is up with
// no address: the two other ways an interface route fails before any traffic.
func TestInterfaceDownAndWithoutAddressAreNamed(t *testing.T) {
	type result struct {
		down, noAddr  *checks.Error
		viaLo, viaTun error
		skip          string
	}
	out := make(chan result, 1)
	go func() {
		// The thread enters a namespace of its own and is never unlocked, so Go discards it
		// when this goroutine ends instead of reusing it elsewhere.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			out <- result{skip: "cannot create a network namespace: " + err.Error()}
			return
		}
		var res result
		res.down = ifaceRoute(t, "lo", "").Check(t.Context())
		fd, err := addTun("lltun0")
		if err != nil {
			res.skip = "cannot create a tun device: " + err.Error()
			out <- res
			return
		}
		defer unix.Close(fd)
		if err := setUp("lltun0"); err != nil {
			res.skip = "cannot bring the tun device up: " + err.Error()
			out <- res
			return
		}
		res.noAddr = ifaceRoute(t, "lltun0", "").Check(t.Context())
		res.viaLo, res.viaTun = dialBoundInNamespace(t)
		out <- res
	}()
	var res result
	select {
	case res = <-out:
	case <-time.After(10 * time.Second):
		t.Fatal("interface checks in a namespace did not return")
	}
	wantRouteErr(t, res.down, checks.FailInterfaceDown, checks.OpInterface, "interface lo is down")
	if res.skip != "" {
		t.Skip(res.skip)
	}
	wantRouteErr(t, res.noAddr, checks.FailInterfaceNoAddress, checks.OpInterface, "interface lltun0 has no address")
	// The same loopback listener is reachable through lo and not through the tun device:
	// the socket really leaves by the device the route names.
	if res.viaLo != nil {
		t.Errorf("dial through lo: %v", res.viaLo)
	}
	if res.viaTun == nil {
		t.Error("dial through a tun device without an address reached a loopback listener")
	}
}

// dialBoundInNamespace brings the namespace's loopback up, listens on it, and dials that
// listener through lo and through lltun0. It must run on the namespace's thread.
func dialBoundInNamespace(t *testing.T) (viaLo, viaTun error) {
	if err := setUp("lo"); err != nil {
		return err, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err, nil
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dial := func(dev string) error {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		conn, err := ifaceRoute(t, dev, "").Dial(ctx, ln.Addr().String(), nil)
		if err == nil {
			conn.Close()
		}
		return err
	}
	return dial("lo"), dial("lltun0")
}

// addTun creates a tun device that lives as long as the returned descriptor.
func addTun(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// setUp sets IFF_UP on a device.
func setUp(name string) error {
	s, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(s)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(s, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(s, unix.SIOCSIFFLAGS, ifr)
}

// On an interface route the contrast goes to the address the first attempt reached, not to a
// fresh lookup of the name: the resolver is asked once.
func TestSNIContrastOnAnInterfaceRouteReusesTheResolvedAddress(t *testing.T) {
	upstream := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, chatName)})
	f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: upstream.Addr, Blocked: []string{chatName}})
	_, port, _ := net.SplitHostPort(f.Addr)
	dns := fixture.NewDNS(t, map[string]string{chatName: "127.0.0.1"})
	r := ifaceRoute(t, "lo", dns.Addr)
	target := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: net.JoinHostPort(chatName, port), RootCAs: fixture.Pool()}
	res := probeWithin(t, r, target, engine.ProbeOptions{StepTimeout: 3 * time.Second})
	skipIfBindForbidden(t, res.Err)
	if res.Contrast == nil || res.Contrast.Outcome != checks.ContrastSNIFiltered {
		t.Fatalf("err=%v contrast=%+v, want sni-filtered", res.Err, res.Contrast)
	}
	asked := 0
	for _, q := range dns.Queries() {
		if q == chatName+". A" {
			asked++
		}
	}
	if asked != 1 {
		t.Fatalf("the name was looked up %d times (%q), want once", asked, dns.Queries())
	}
	if seen := f.Seen(); len(seen) != 2 || seen[1] != res.Contrast.Name {
		t.Fatalf("the filter saw %q, want the name then %s", seen, res.Contrast.Name)
	}
}
