//go:build unix

package netbench

import (
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// acceptClock is a loopback listener that notes when each connection arrives: the moment a
// freshly started lifeline's first probe reaches the network.
type acceptClock struct {
	ln      net.Listener
	arrived chan time.Time
}

func newAcceptClock(b *testing.B) *acceptClock {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	a := &acceptClock{ln: ln, arrived: make(chan time.Time, 64)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case a.arrived <- time.Now():
			default:
			}
			c.Close()
		}
	}()
	b.Cleanup(func() { ln.Close() })
	return a
}

// startupConfig checks one direct route with one target on the accept clock: a tcp target,
// or with tls a TLS target verified against the system's trust store (as the built-in
// services are), which has to be read before the first handshake.
func (bd *bed) startupConfig(b *testing.B, kind string) string {
	y := "control: none\nroutes: [{name: direct, direct: true}]\n" +
		"services: [{name: s, targets: [{role: chat, " + kind + ": \"" + bd.firstSeen.ln.Addr().String() + "\"}]}]\n"
	path := bd.dir + "/startup-" + kind + ".yaml"
	if err := os.WriteFile(path, []byte(y), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// firstProbe starts lifeline with args and returns the time from exec to its first
// connection reaching the accept clock.
func (bd *bed) firstProbe(b *testing.B, bin string, args ...string) time.Duration {
	for len(bd.firstSeen.arrived) > 0 {
		<-bd.firstSeen.arrived
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + bd.dir, "LANG=C.UTF-8"}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	var first time.Duration
	select {
	case at := <-bd.firstSeen.arrived:
		first = at.Sub(start)
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		b.Fatalf("lifeline %v never reached the network", args)
	}
	cmd.Wait()
	return first
}
