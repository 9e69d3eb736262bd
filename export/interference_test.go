package export

import (
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func TestMetricsUDPLossAndDNSTampering(t *testing.T) {
	m := NewMetrics(metricsPlan())
	stun := checks.Target{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: "stun.test:3478"}
	cut := result("direct", "whatsapp", checks.VerdictPartial, 0, "")
	cut.Targets = []checks.TargetResult{{Target: stun, UDP: &checks.UDPStats{Sent: 20, Received: 5}}}
	cut.DNS = []checks.DNSAnswers{{Name: "web.test", Via: "tor", Tampered: true}}
	m.Observe(done(cut))
	unanswered := result("tor", "whatsapp", checks.VerdictPartial, 0, "")
	unanswered.Targets = []checks.TargetResult{{Target: stun}}
	m.Observe(done(unanswered))
	body := scrape(t, m)
	wantSeries(t, body,
		`lifeline_udp_loss_ratio{route="direct",service="whatsapp",target="stun stun.test:3478"} 0.75`,
		`lifeline_udp_loss_ratio{route="tor",service="whatsapp",target="stun stun.test:3478"} 1`,
		`lifeline_dns_tampered{route="direct",service="whatsapp"} 1`,
	)
	if strings.Contains(body, `lifeline_dns_tampered{route="tor"`) {
		t.Errorf("only the direct route is compared, yet tor has a dns_tampered gauge")
	}
	// Recovery: a working check clears the tampered flag.
	m.Observe(done(result("direct", "whatsapp", checks.VerdictOK, 0, "")))
	if body := scrape(t, m); !strings.Contains(body, `lifeline_dns_tampered{route="direct",service="whatsapp"} 0`+"\n") {
		t.Errorf("tampered flag not cleared after recovery")
	}
}

func TestMetricsSNIContrastIsOneHotAndClearedOnRecovery(t *testing.T) {
	m := NewMetrics(metricsPlan())
	chat := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.test:443"}
	blocked := result("direct", "whatsapp", checks.VerdictBlocked, 0, "")
	blocked.Targets = []checks.TargetResult{{Target: chat, Err: checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, ""),
		Contrast: &checks.SNIContrast{Outcome: checks.ContrastSNIFiltered, Name: "abc.example.net"}}}
	m.Observe(done(blocked))
	body := scrape(t, m)
	wantSeries(t, body,
		`lifeline_sni_contrast{outcome="sni-filtered",route="direct",service="whatsapp",target="tls chat.test:443"} 1`,
		`lifeline_sni_contrast{outcome="ip-blocked",route="direct",service="whatsapp",target="tls chat.test:443"} 0`,
	)
	ok := result("direct", "whatsapp", checks.VerdictOK, 0, "")
	ok.Targets = []checks.TargetResult{{Target: chat, OK: true}}
	m.Observe(done(ok))
	if body := scrape(t, m); strings.Contains(body, "lifeline_sni_contrast{") {
		t.Errorf("a working target still has a contrast gauge:\n%s", body)
	}
}
