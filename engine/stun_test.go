package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// probeSTUNWithin probes a stun target through r and fails the test if it outlives its
// deadline.
func probeSTUNWithin(t *testing.T, r engine.Route, addr string) checks.TargetResult {
	t.Helper()
	const deadline = 4 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	target := checks.Target{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: addr}
	start := time.Now()
	res := engine.Probe(ctx, r, target, engine.ProbeOptions{StepTimeout: 1500 * time.Millisecond})
	if took := time.Since(start); took > deadline+routeSlack {
		t.Fatalf("stun probe took %v with a %v deadline", took, deadline)
	}
	return res
}

func TestSTUNAnsweredRecordsMappedAddressAndNoLoss(t *testing.T) {
	srv := fixture.NewSTUN(t)
	res := probeSTUNWithin(t, directRoute(t), srv.Addr)
	if !res.OK {
		t.Fatalf("stun to a working server failed: %v", res.Err)
	}
	if res.UDP == nil || res.UDP.Sent < 10 || res.UDP.Received != res.UDP.Sent || res.UDP.CutAfter != 0 {
		t.Fatalf("UDP stats = %+v, want every burst packet answered", res.UDP)
	}
	if !strings.HasPrefix(res.UDP.Mapped, "127.0.0.1:") || !strings.Contains(res.Peer, "127.0.0.1:") {
		t.Errorf("mapped = %q, peer = %q; want the XOR-MAPPED-ADDRESS 127.0.0.1:port", res.UDP.Mapped, res.Peer)
	}
	if j := res.JSON(); j.UDP == nil || j.UDP.LossRatio != 0 || j.UDP.Sent != res.UDP.Sent || j.UDP.RTTMS == nil {
		t.Errorf("JSON udp = %+v", j.UDP)
	}
	if res.UDP.RTT <= 0 {
		t.Errorf("RTT = %v, want a measured round trip", res.UDP.RTT)
	}
}

func TestSTUNDroppedIsNamedUDPBlocked(t *testing.T) {
	srv := fixture.NewSTUN(t)
	relay := fixture.NewUDPRelay(t, srv.Addr, fixture.UDPRelayOptions{DropSTUN: true})
	res := probeSTUNWithin(t, directRoute(t), relay.Addr)
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailSTUNNoAnswer {
		t.Fatalf("got ok=%v err=%v, want %s", res.OK, res.Err, checks.FailSTUNNoAnswer)
	}
	if got := res.Err.Human(res.Target.Host()); !strings.Contains(got, "STUN unanswered") || !strings.Contains(got, "UDP blocked?") {
		t.Errorf("reason = %q", got)
	}
	if relay.Seen() < 2 {
		t.Errorf("relay saw %d datagrams; an unanswered Binding should be resent", relay.Seen())
	}
	if srv.Requests() != 0 {
		t.Errorf("server got %d requests through a relay that drops STUN", srv.Requests())
	}
}

func TestUDPCutOffAfterKPacketsIsNamed(t *testing.T) {
	srv := fixture.NewSTUN(t)
	relay := fixture.NewUDPRelay(t, srv.Addr, fixture.UDPRelayOptions{DropAfter: 10})
	res := probeSTUNWithin(t, directRoute(t), relay.Addr)
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailUDPLoss {
		t.Fatalf("got ok=%v err=%v, want %s", res.OK, res.Err, checks.FailUDPLoss)
	}
	if res.UDP == nil || res.UDP.CutAfter != 10 {
		t.Fatalf("UDP stats = %+v, want a cut-off after 10 packets", res.UDP)
	}
	if got := res.Err.Human(""); !strings.Contains(got, "dies after 10 packets") {
		t.Errorf("reason = %q", got)
	}
}

func TestSTUNThroughSOCKS5UDPAssociate(t *testing.T) {
	srv := fixture.NewSTUN(t)
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{
		UDPAssociate: true, User: "u", Password: "p",
		Hosts: map[string]string{"stun.test": srv.Addr},
	})
	res := probeSTUNWithin(t, proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, "u", "p"), "stun.test:3478")
	if !res.OK {
		t.Fatalf("stun through a UDP-capable SOCKS5 proxy failed: %v", res.Err)
	}
	if res.UDP == nil || res.UDP.Received != res.UDP.Sent {
		t.Errorf("UDP stats = %+v, want no loss", res.UDP)
	}
	if srv.Requests() < res.UDP.Sent {
		t.Errorf("server saw %d requests, fewer than the burst", srv.Requests())
	}
}

func TestSOCKS5WithoutUDPSaysSo(t *testing.T) {
	srv := fixture.NewSTUN(t)
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{"stun.test": srv.Addr}})
	res := probeSTUNWithin(t, proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, "", ""), "stun.test:3478")
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailUDPUnsupported {
		t.Fatalf("got ok=%v err=%v, want %s", res.OK, res.Err, checks.FailUDPUnsupported)
	}
	if got := res.Err.Human(res.Target.Host()); got != "the SOCKS5 proxy does not offer UDP ASSOCIATE" {
		t.Errorf("reason = %q", got)
	}
}

func TestHTTPProxyCannotCarryUDP(t *testing.T) {
	proxy := fixture.NewConnect(t, fixture.ConnectOptions{})
	res := probeSTUNWithin(t, proxyRoute(t, checks.RouteHTTP, proxy.Addr, "", ""), "stun.test:3478")
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailUDPUnsupported {
		t.Fatalf("got ok=%v err=%v, want %s", res.OK, res.Err, checks.FailUDPUnsupported)
	}
	if got := res.Err.Human(""); got != "an HTTP proxy tunnels TCP only" {
		t.Errorf("reason = %q", got)
	}
}

func TestCallsBlockedMakesServicePartial(t *testing.T) {
	srv := fixture.NewSTUN(t)
	relay := fixture.NewUDPRelay(t, srv.Addr, fixture.UDPRelayOptions{DropSTUN: true})
	chat := checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: fixture.Echo(t)}
	calls := checks.Target{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: relay.Addr}
	svc := checks.Service{Name: "wa", Targets: []checks.Target{chat, calls}}
	r := directRoute(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	opt := engine.ProbeOptions{StepTimeout: time.Second}
	results := []checks.TargetResult{engine.Probe(ctx, r, chat, opt), engine.Probe(ctx, r, calls, opt)}
	verdict, _, reason, _ := checks.Judge(svc, results, time.Minute)
	if verdict != checks.VerdictPartial || !strings.Contains(reason, "calls blocked: STUN unanswered") {
		t.Fatalf("verdict %s, reason %q; want partial naming unanswered STUN", verdict, reason)
	}
}
