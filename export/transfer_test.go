package export

import (
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func TestMetricsTransferGoodputAndStall(t *testing.T) {
	m := NewMetrics(metricsPlan())
	media := checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://media.test/blob"}
	throttled := result("direct", "whatsapp", checks.VerdictSlow, 0, "")
	throttled.Targets = []checks.TargetResult{{Target: media, OK: true, Transfer: &checks.TransferStats{Wanted: 65536, Bytes: 65536, Goodput: 140000}}}
	m.Observe(done(throttled))
	frozen := result("tor", "whatsapp", checks.VerdictPartial, 0, "")
	frozen.Targets = []checks.TargetResult{{Target: media, Transfer: &checks.TransferStats{Wanted: 65536, Bytes: 17000, Stalled: true, Goodput: 900000}}}
	m.Observe(done(frozen))
	body := scrape(t, m)
	wantSeries(t, body,
		`lifeline_transfer_goodput_bytes_per_second{route="direct",service="whatsapp",target="transfer https://media.test/blob"} 17500`,
		`lifeline_transfer_stalled{route="direct",service="whatsapp",target="transfer https://media.test/blob"} 0`,
		`lifeline_transfer_stalled{route="tor",service="whatsapp",target="transfer https://media.test/blob"} 1`,
	)
	if strings.Contains(body, `lifeline_transfer_goodput_bytes_per_second{route="tor"`) {
		t.Errorf("a stalled transfer must not export a goodput:\n%s", body)
	}
	// The direct route's transfer freezes next time: its rate disappears, the stall shows.
	throttled.Targets[0].Transfer = &checks.TransferStats{Wanted: 65536, Bytes: 16384, Stalled: true}
	m.Observe(done(throttled))
	body = scrape(t, m)
	if strings.Contains(body, `lifeline_transfer_goodput_bytes_per_second{route="direct"`) ||
		!strings.Contains(body, `lifeline_transfer_stalled{route="direct",service="whatsapp",target="transfer https://media.test/blob"} 1`+"\n") {
		t.Errorf("after a stall the rate must go and the stall show:\n%s", body)
	}
}
