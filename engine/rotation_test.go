package engine

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// TestRotationProbesInTurnAndJudgesOnlyFreshResults: rotating targets are probed one sweep in
// Rotate; in between their last result is shown, marked, and does not count, so a target
// that stopped working is not hidden by another's old success.
func TestRotationProbesInTurnAndJudgesOnlyFreshResults(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["a:443"] = works(time.Millisecond)
	fp.behaviour["b:443"] = fails(checks.FailConnectionReset, checks.OpTLSHandshake)
	a, b := chat("a:443"), chat("b:443")
	a.Rotate, a.Slot = 2, 1
	b.Rotate, b.Slot = 2, 0
	plan := checks.Plan{Services: []checks.Service{service("wa", a, b)}}
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)

	first := checksOf(collect(t, s))["direct/wa"] // sweep 1 probes slot 1: a
	if len(first.Targets) != 1 || first.Targets[0].Target.Addr != "a:443" || first.Targets[0].Rotated != nil {
		t.Fatalf("sweep 1 targets %+v, want a alone, fresh", first.Targets)
	}
	if first.Verdict != checks.VerdictOK {
		t.Errorf("sweep 1 = %s", first.Verdict)
	}
	second := checksOf(collect(t, s))["direct/wa"] // sweep 2 probes slot 0: b; shows a
	if len(second.Targets) != 2 {
		t.Fatalf("sweep 2 shows %d targets, want both", len(second.Targets))
	}
	for _, tr := range second.Targets {
		switch tr.Target.Addr {
		case "a:443":
			if tr.Rotated == nil || tr.Rotated.Sweep != 1 || !tr.OK {
				t.Errorf("a in sweep 2: %+v, want its sweep-1 success marked as shown", tr)
			}
		case "b:443":
			if tr.Rotated != nil || tr.OK {
				t.Errorf("b in sweep 2: %+v, want a fresh failure", tr)
			}
		}
	}
	if second.Verdict != checks.VerdictBlocked {
		t.Errorf("sweep 2 = %s (%q): a's old success must not stand in for b's fresh failure", second.Verdict, second.Reason)
	}
}

func TestNoIPv6NamesOnlyAMissingIPv6(t *testing.T) {
	unreach := &checks.Error{Failure: checks.FailNetworkUnreachable, Operation: checks.OpConnect}
	cases := []struct {
		addr  string
		named *checks.Error
		err   error
		want  bool
	}{
		{"[2001:67c:4e8:f002::a]:443", unreach, syscall.ENETUNREACH, true},
		{"[2001:67c:4e8:f002::a]:443", &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpConnect}, syscall.EADDRNOTAVAIL, true},
		{"[2001:67c:4e8:f002::a]:443", &checks.Error{Failure: checks.FailNetworkUnreachable, Operation: checks.OpProxyConnect, Detail: "socks5: network unreachable"}, errors.New("x"), true},
		{"[2001:67c:4e8:f002::a]:443", &checks.Error{Failure: checks.FailGenericTimeout, Operation: checks.OpConnect}, errors.New("timeout"), false},
		{"[2001:67c:4e8:f002::a]:443", &checks.Error{Failure: checks.FailConnectionRefused, Operation: checks.OpConnect}, syscall.ECONNREFUSED, false},
		{"149.154.167.51:443", unreach, syscall.ENETUNREACH, false},
		{"e1.whatsapp.net:443", unreach, syscall.ENETUNREACH, false},
	}
	for _, c := range cases {
		if got := noIPv6(c.addr, c.named, c.err) != ""; got != c.want {
			t.Errorf("noIPv6(%s, %v) = %v, want %v", c.addr, c.named, got, c.want)
		}
	}
}

// TestNotApplicableTargetsDoNotCount: an IPv6 data centre on a route without IPv6 neither
// blocks nor works Telegram; the IPv4 ones decide.
func TestNotApplicableTargetsDoNotCount(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["v4:443"] = works(time.Millisecond)
	fp.behaviour["v6:443"] = func(ctx context.Context) checks.TargetResult {
		return checks.TargetResult{Err: checks.NewError(checks.FailNetworkUnreachable, checks.OpConnect, ""), NotApplicable: "no IPv6 on this route"}
	}
	fp.behaviour["web:443"] = fails(checks.FailConnectionReset, checks.OpTLSHandshake)
	plan := checks.Plan{Services: []checks.Service{service("tg", chat("v4:443"), chat("v6:443")), service("web", web("web:443"), chat("v6:443"))}}
	s, _ := newScheduler(plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}, fp.probe)
	cells := checksOf(collect(t, s))
	if c := cells["direct/tg"]; c.Verdict != checks.VerdictOK {
		t.Errorf("tg = %s (%q), want ok: the n/a IPv6 target must not make it partial", c.Verdict, c.Reason)
	}
	if c := cells["direct/web"]; c.Verdict != checks.VerdictBlocked || strings.Contains(c.Reason, "unreachable") {
		t.Errorf("web = %s (%q), want blocked by its web target, not by the n/a one", c.Verdict, c.Reason)
	}
}
