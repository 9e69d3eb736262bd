package engine_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// TestSweepCostPerService measures what the built-in services' reachability probes cost per
// sweep with their default targets and rotation (transfer and upload checks off: they run
// once every transfer.every and are measured by TestSweepCostPerTargetKind), through a SOCKS5
// proxy (where WhatsApp's chat servers get the
// Noise hello; on direct and interface routes they are TCP connects, 0 bytes above TCP). Every
// endpoint is a loopback fixture that answers as the service does (a fake data centre, a Noise
// server, a WebSocket gateway, TLS servers with one ECDSA P-256 leaf each), behind counting
// forwarders; 120 sweeps cover every rotation whole. Run with -v for the README's table:
//
//	go test -count=1 -run TestSweepCostPerService -v ./engine/
func TestSweepCostPerService(t *testing.T) {
	const sweeps = 120 // a multiple of every rotation in the catalog (6, 8, 10)
	services := config.Catalog()
	hosts := map[string]string{}
	meters := map[string][]*fixture.Meter{}
	upstreams := map[string]string{} // service/kind/host → fixture, so one server per endpoint kind
	dc := fixture.FakeDC(t, fixture.DCOptions{})
	noise := fixture.NoiseServer(t, fixture.NoiseOptions{})
	serve := func(svc string, tg checks.Target) string {
		host := tg.AddrHost()
		switch tg.Kind {
		case checks.KindMTProto, checks.KindMTProtoHTTP:
			return dc
		case checks.KindNoise:
			return noise
		case checks.KindWebSocket:
			return fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, host),
				Handler: fixture.WebSocketHandler("/ws/chat", tg.Origin, fixture.WebSocketUpgrade)}).Addr
		}
		key := svc + "/" + tg.Host()
		if up, ok := upstreams[key]; ok {
			return up
		}
		up := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, tg.Host())}).Addr
		upstreams[key] = up
		return up
	}
	for si := range services {
		svc := &services[si]
		for i := range svc.Targets {
			tg := &svc.Targets[i]
			tg.RootCAs = fixture.Pool()
			if tg.Kind == checks.KindTransfer || tg.Kind == checks.KindUpload {
				continue // off below: they run every transfer.every, not every sweep
			}
			// The fixture proxy reaches names only: give the data centres' addresses names.
			addr := tg.Addr
			if tg.Kind == checks.KindHTTPS || tg.Kind == checks.KindWebSocket {
				u, _ := url.Parse(tg.Addr)
				addr = net.JoinHostPort(u.Hostname(), "443")
			}
			host, port, _ := net.SplitHostPort(addr)
			if net.ParseIP(host) != nil {
				host = "dc-" + strings.NewReplacer(".", "-", ":", "-").Replace(host) + ".test"
				addr = net.JoinHostPort(host, port)
				tg.Addr = addr
			}
			m := fixture.NewMeter(t, serve(svc.Name, *tg))
			hosts[addr] = m.Addr
			meters[svc.Name] = append(meters[svc.Name], m)
		}
	}
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts})
	s, err := engine.NewScheduler(checks.Plan{
		Settings: checks.Settings{StepTimeout: 3 * time.Second, Timeout: 8 * time.Second},
		Routes:   []checks.RouteSpec{{Name: "proxy", Kind: checks.RouteSOCKS5, Proxy: proxy.URL()}},
		Services: services,
		// Per sweep: the default upload and download run every transfer.every, and their cost
		// per run is TestSweepCostPerTargetKind's. STUN gets no UDP through this proxy.
		Transfer: checks.TransferPlan{Off: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ up, down, minUp, maxUp, minDown, maxDown, probes int64 }
	totals := map[string]*tally{}
	last := map[string][2]int64{}
	sum := func(svc string) (up, down int64) {
		for _, m := range meters[svc] {
			up, down = up+m.Up(), down+m.Down()
		}
		return up, down
	}
	for n := 1; n <= sweeps; n++ {
		s.Sweep(context.Background(), nil, func(e checks.Event) {
			if e.Kind != checks.EventCheckDone {
				return
			}
			if e.Check.Verdict != checks.VerdictOK {
				t.Errorf("sweep %d: %s is %s (%s); the costs are of working services", n, e.Check.Service, e.Check.Verdict, e.Check.Reason)
			}
			tl := totals[e.Check.Service]
			if tl == nil {
				tl = &tally{minUp: 1 << 62, minDown: 1 << 62}
				totals[e.Check.Service] = tl
			}
			for _, tr := range e.Check.Targets {
				if tr.Rotated == nil {
					tl.probes++
				}
			}
		})
		for _, svc := range services {
			up, down := sum(svc.Name)
			du, dd := up-last[svc.Name][0], down-last[svc.Name][1]
			last[svc.Name] = [2]int64{up, down}
			tl := totals[svc.Name]
			tl.up, tl.down = tl.up+du, tl.down+dd
			tl.minUp, tl.maxUp = min(tl.minUp, du), max(tl.maxUp, du)
			tl.minDown, tl.maxDown = min(tl.minDown, dd), max(tl.maxDown, dd)
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-10s %8s %14s %14s %16s %16s\n", "service", "probes", "up B/sweep", "down B/sweep", "up min–max", "down min–max")
	var all, defaults [2]int64
	for _, svc := range services {
		tl := totals[svc.Name]
		if tl.up == 0 || tl.down == 0 {
			t.Errorf("%s moved %d up, %d down in %d sweeps", svc.Name, tl.up, tl.down, sweeps)
		}
		fmt.Fprintf(&table, "%-10s %8.1f %14d %14d %16s %16s\n", svc.Name, float64(tl.probes)/sweeps, tl.up/sweeps, tl.down/sweeps,
			fmt.Sprintf("%d–%d", tl.minUp, tl.maxUp), fmt.Sprintf("%d–%d", tl.minDown, tl.maxDown))
		all[0], all[1] = all[0]+tl.up, all[1]+tl.down
		if slices.Contains(config.DefaultServices, svc.Name) {
			defaults[0], defaults[1] = defaults[0]+tl.up, defaults[1]+tl.down
		}
	}
	fmt.Fprintf(&table, "all %d: %d up, %d down per sweep on average over %d sweeps; the default %v: %d up, %d down\n",
		len(services), all[0]/sweeps, all[1]/sweeps, sweeps, config.DefaultServices, defaults[0]/sweeps, defaults[1]/sweeps)
	t.Log("\n" + table.String())
}
