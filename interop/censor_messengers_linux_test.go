package interop

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// Addresses of the messenger scenarios, on the server's loopback like the others: a data
// centre the censor leaves alone, three it answers itself over plain HTTP (a transparent
// proxy, a redirect to its block page, an error page), and a WhatsApp chat server.
const (
	addrDC       = "10.77.9.30"
	addrDC200    = "10.77.9.31"
	addrDC302    = "10.77.9.32"
	addrDC404    = "10.77.9.33"
	addrWhatsApp = "10.77.9.34"
)

// TestCensorMessengers runs the real binary in the censor lab against servers that answer as
// the messengers do (a fake MTProto data centre on every DC address, a Noise chat server that
// resets TLS ClientHellos, a WebSocket gateway). Through the censor, an HTTP answer on a data
// centre's address (200, a 302 to its block page, 404) makes Telegram blocked with "not
// Telegram" or "block page", never working; through the bypass the same addresses prove
// themselves with a resPQ. WhatsApp's chat works on its Noise port where a TLS probe of the
// same port fails, and only a 101 passes for the web gateway.
func TestCensorMessengers(t *testing.T) {
	requireLab(t, "ip", "nft", "iptables", "tc", "dnsmasq", "sysctl")
	bin := buildLifeline(t)
	lab := newCensorLab(t)

	for _, addr := range []string{addrDC, addrDC200, addrDC302, addrDC404, addrWhatsApp} {
		run(t, "ip", "-n", lab.server, "addr", "add", addr+"/32", "dev", "lo")
	}
	listen := func(ns, addr string) net.Listener {
		var ln net.Listener
		inNetns(t, ns, func() (err error) {
			ln, err = net.Listen("tcp", addr)
			return err
		})
		return ln
	}
	for _, addr := range []string{addrDC, addrDC200, addrDC302, addrDC404} {
		for _, port := range []string{"443", "80"} {
			fixture.FakeDCOn(t, listen(lab.server, net.JoinHostPort(addr, port)), fixture.DCOptions{})
		}
	}
	for _, port := range []string{"443", "5222"} {
		fixture.NoiseServerOn(t, listen(lab.server, net.JoinHostPort(addrWhatsApp, port)), fixture.NoiseOptions{})
	}

	// The censor answers for three data centres itself: every TCP connection to them is
	// redirected (DNAT) to an HTTP server of its own.
	answers := map[string]http.Handler{
		addrDC200: fixture.StatusHandler(http.StatusOK),
		addrDC302: http.RedirectHandler("http://blocked.isp.example/?dc", http.StatusFound),
		addrDC404: fixture.StatusHandler(http.StatusNotFound),
	}
	ports := map[string]string{addrDC200: "8200", addrDC302: "8302", addrDC404: "8404"}
	for addr, h := range answers {
		ln := listen(lab.censor, net.JoinHostPort(censorLying, ports[addr]))
		srv := &http.Server{Handler: h}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		run(t, "ip", "netns", "exec", lab.censor, "iptables", "-t", "nat", "-A", "PREROUTING", "-i", "client0",
			"-p", "tcp", "-d", addr, "-j", "DNAT", "--to-destination", net.JoinHostPort(censorLying, ports[addr]))
	}

	telegram := func(addr string) []string {
		return []string{`{role: chat, mtproto: "` + addr + `:443"}`, `{role: chat, mtproto_http: "` + addr + `:80"}`}
	}
	services := []labService{
		{"tg-open", telegram(addrDC)},
		{"tg-200", telegram(addrDC200)},
		{"tg-302", telegram(addrDC302)},
		{"tg-404", telegram(addrDC404)},
		{"wa-chat", []string{`{role: chat, noise: "` + addrWhatsApp + `:443"}`, `{role: chat, noise: "` + addrWhatsApp + `:5222"}`}},
		{"wa-as-tls", []string{`{role: chat, tls: "` + addrWhatsApp + `:443", sni: "e1.whatsapp.net"}`}},
		{"wa-web", []string{`{role: web, websocket: "wss://open.lifeline.test` + wsGatewayPath + `"}`}},
		{"wa-web-page", []string{`{role: web, websocket: "wss://open.lifeline.test` + wsPagePath + `"}`}},
	}
	report, _ := lab.check(t, bin, lab.config(t, "", services))
	for _, r := range report.Routes {
		if !r.OK {
			t.Errorf("route %s reported down: %s", r.Name, r.Reason)
		}
	}

	open := report.expect(t, "censored", "tg-open", "ok")
	for _, tr := range open.Targets {
		if !tr.OK || !strings.Contains(tr.Proof, "MTProto resPQ") || !strings.Contains(tr.Proof, addrDC) {
			t.Errorf("tg-open target %s: ok=%v proof %q", tr.Target, tr.OK, tr.Proof)
		}
	}
	report.expect(t, "censored", "tg-200", "blocked", "not Telegram")
	report.expect(t, "censored", "tg-302", "blocked", "block page", "blocked.isp.example")
	report.expect(t, "censored", "tg-404", "blocked", "not Telegram")
	report.expect(t, "censored", "wa-chat", "ok")
	report.expect(t, "censored", "wa-as-tls", "blocked")
	web := report.expect(t, "censored", "wa-web", "ok")
	if len(web.Targets) != 1 || web.Targets[0].Proof != "WebSocket 101 from open.lifeline.test" {
		t.Errorf("wa-web targets %+v, want the 101 proved", web.Targets)
	}
	report.expect(t, "censored", "wa-web-page", "blocked", "expected 101")

	for _, svc := range []string{"tg-open", "tg-200", "tg-302", "tg-404", "wa-chat", "wa-web"} {
		report.expect(t, "bypass", svc, "ok")
	}
}
