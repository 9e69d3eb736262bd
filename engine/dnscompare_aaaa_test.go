package engine

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/lifeline-app/lifeline/checks"
)

// TestCompareKeepsTheAAnswerWhenAAAAIsRefused: a resolver that answers A for a name but
// refuses its AAAA question (dnsmasq without an upstream does, for a name outside its local
// domains) still gives the comparison an answer, so a private address is not called a bogon
// for want of one.
func TestCompareKeepsTheAAnswerWhenAAAAIsRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Listener: ln, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		if req.Question[0].Qtype == dns.TypeA {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
				A: net.ParseIP("10.77.9.15").To4()})
		} else {
			m.Rcode = dns.RcodeRefused
		}
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	defer srv.Shutdown()

	c := newDNSTamperChecker(ln.Addr().String(), 3*time.Second)
	via := newDirect(checks.RouteSpec{Name: "bypass", Kind: checks.RouteDirect})
	ips, failure := c.lookupVia(context.Background(), via, "e2.whatsapp.net")
	if failure != "" || len(ips) != 1 || ips[0] != "10.77.9.15" {
		t.Fatalf("lookupVia = %v, %q; want the A answer", ips, failure)
	}
	ans := checks.DNSAnswers{Name: "e2.whatsapp.net", System: []string{"10.77.9.15"}, Compare: ips, Via: "bypass"}
	if tampered, why := judgeDNS(ans); tampered {
		t.Errorf("judged tampered (%s) though both resolvers agree", why)
	}
}
