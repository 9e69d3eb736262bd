package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// TestRemoteTextCannotReachTheTerminal feeds escape sequences through every remote field the
// dashboard shows; with NoColor the view must hold no escape or control byte at all.
func TestRemoteTextCannotReachTheTerminal(t *testing.T) {
	const evil = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x07"
	p := testPlan(2, 1)
	p.Services[0].Title = "WhatsApp" + evil
	m, _ := testModel(p, Options{NoColor: true, Title: "cfg" + evil}, 140, 40)

	bad := &checks.Error{Failure: checks.FailSSLUnknownAuthority, Operation: checks.OpTLSHandshake, Detail: "detail" + evil}
	res := check("direct", "whatsapp", 1, checks.VerdictBlocked, 0, bad)
	res.Check.Reason = "reason" + evil
	res.Check.Targets = []checks.TargetResult{{
		Target: checks.Target{Role: "chat" + evil, Kind: checks.KindTLS, Addr: "e1.whatsapp.net:443" + evil},
		Err:    bad,
		Peer:   "CN=evil" + evil,
		Phases: checks.Phases{Connect: 10 * time.Millisecond},
	}}
	route := routeChecked("wg0", 1, false, bad)
	route.Route.Reason = "route reason" + evil
	route.Route.Control = &checks.TargetResult{Target: checks.Target{Role: "control", Kind: checks.KindHTTPS, Addr: "https://x/" + evil}, Err: bad, Peer: "peer" + evil}
	m = feed(m, res, route)

	views := map[string]Model{
		"matrix":       m,
		"cell detail":  press(m, "l", "enter"),
		"route detail": press(m, "j", "enter"),
	}
	for name, v := range views {
		out := v.View().Content
		for _, b := range []string{"\x1b", "\x9b", "\u009b", "\x07"} {
			if strings.Contains(out, b) {
				t.Errorf("%s: view contains %q:\n%q", name, b, out)
			}
		}
		if strings.Contains(out, "pwned") {
			t.Errorf("%s: the title-setting sequence's payload reached the view", name)
		}
	}
	if out := views["cell detail"].View().Content; !strings.Contains(out, "CN=evil") || !strings.Contains(out, "reason") {
		t.Fatalf("sanitizing removed the readable text too:\n%s", out)
	}
	if out := views["route detail"].View().Content; !strings.Contains(out, "route reason") {
		t.Fatalf("route reason missing:\n%s", out)
	}
}

// TestSecretsNeverShown: a proxy password in the plan never reaches the screen.
func TestSecretsNeverShown(t *testing.T) {
	p := testPlan(3, 1)
	m, _ := testModel(p, Options{}, 140, 40)
	m = feed(m, fullSweep(p)...)
	for _, v := range []Model{m, press(m, "j", "j", "enter")} {
		if out := v.View().Content; strings.Contains(out, "s3cret") {
			t.Fatalf("password shown:\n%s", out)
		}
	}
}
