package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// TestSweepCostPerTargetKind measures what one sweep costs on the wire, per target kind of
// the catalog, by running real probes through counting forwarders (bytes above TCP: no IP or
// TCP headers, no retransmissions). A second sweep within transfer.every shows the cost
// without transfer probes. Run with -v to see the table the README quotes:
//
//	go test -count=1 -run TestSweepCostPerTargetKind -v ./checks/
func TestSweepCostPerTargetKind(t *testing.T) {
	const name = "cost.lifeline.test"
	cert := fixture.Leaf(t, name)
	tlsSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: cert})
	blobSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: cert, Handler: fixture.BlobHandler(1 << 20)})
	wholeSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: cert, Handler: fixture.WholeBlobHandler(1 << 20)})
	postSrv := fixture.StartHTTP(t, fixture.StatusHandler(http.StatusNotFound))
	stun := fixture.NewSTUN(t)

	type metered struct {
		label  string
		target checks.Target
		meter  *fixture.Meter
	}
	meter := func(upstream string) *fixture.Meter { return fixture.NewMeter(t, upstream) }
	tcpM, tlsM, httpsM, postM := meter(fixture.Echo(t)), meter(tlsSrv.Addr), meter(tlsSrv.Addr), meter(postSrv.Addr)
	blobM, wholeM, echoM := meter(blobSrv.Addr), meter(wholeSrv.Addr), meter(fixture.Echo(t))
	dc := fixture.FakeDC(t, fixture.DCOptions{})
	wsSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: cert, Handler: fixture.WebSocketHandler("/ws/chat", "", fixture.WebSocketUpgrade)})
	mtprotoM, mtprotoHTTPM, wsM := meter(dc), meter(dc), meter(wsSrv.Addr)
	siteSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: cert, Handler: fixture.ServiceSiteHandler()})
	uploadM, foundM := meter(siteSrv.Addr), meter(siteSrv.Addr)
	rows := []metered{
		{"tcp", checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: tcpM.Addr}, tcpM},
		{"tls", checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: tlsM.Addr, SNI: name, RootCAs: fixture.Pool()}, tlsM},
		{"https", checks.Target{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://" + httpsM.Addr + "/", SNI: name, RootCAs: fixture.Pool()}, httpsM},
		{"http_post", checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: postM.Addr}, postM},
		{"mtproto", checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: mtprotoM.Addr}, mtprotoM},
		{"mtproto_http", checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProtoHTTP, Addr: mtprotoHTTPM.Addr}, mtprotoHTTPM},
		{"websocket", checks.Target{Role: checks.RoleWeb, Kind: checks.KindWebSocket, Addr: "wss://" + wsM.Addr + "/ws/chat", SNI: name, RootCAs: fixture.Pool()}, wsM},
		{"stun", checks.Target{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: stun.Addr}, nil},
		{"transfer https", checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://" + blobM.Addr + "/blob", SNI: name, RootCAs: fixture.Pool()}, blobM},
		{"transfer norange", checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://" + wholeM.Addr + "/blob", SNI: name, RootCAs: fixture.Pool()}, wholeM},
		{"transfer tcp", checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "tcp://" + echoM.Addr, SNI: name}, echoM},
		// The built-in services' default flow checks: an upload to the service's host, and a
		// download of an object found on its page (here a page of 200 bytes).
		{"upload", checks.Target{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://" + uploadM.Addr + "/", SNI: name, RootCAs: fixture.Pool()}, uploadM},
		{"transfer found", checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://" + foundM.Addr + "/", Find: checks.FindScript, SNI: name, RootCAs: fixture.Pool()}, foundM},
	}
	moves := func(label string) bool { return strings.HasPrefix(label, "transfer") || label == "upload" }
	var services []checks.Service
	for i, row := range rows {
		services = append(services, checks.Service{Name: fmt.Sprintf("s%d", i), Title: row.label, Targets: []checks.Target{row.target}})
	}
	s, err := engine.NewScheduler(checks.Plan{
		Settings: checks.Settings{StepTimeout: 3 * time.Second, Timeout: 8 * time.Second},
		Routes:   []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: services,
		Transfer: checks.TransferPlan{Every: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	counts := func(row metered) (int64, int64) {
		if row.meter == nil {
			return stun.BytesIn(), stun.BytesOut()
		}
		return row.meter.Up(), row.meter.Down()
	}

	var table strings.Builder
	fmt.Fprintf(&table, "certificate: one ECDSA P-256 leaf of %d bytes (no intermediates)\n", len(cert.Certificate[0]))
	fmt.Fprintf(&table, "%-17s %10s %10s   %s\n", "target", "up B", "down B", "second sweep (transfer carried over)")
	before := make([][2]int64, len(rows))
	for sweep := 1; sweep <= 2; sweep++ {
		s.Sweep(context.Background(), nil, func(e checks.Event) {
			if e.Kind == checks.EventCheckDone && e.Check.Verdict != checks.VerdictOK {
				t.Errorf("sweep %d: %s is %s (%s); the costs are of working probes", sweep, e.Check.Service, e.Check.Verdict, e.Check.Reason)
			}
		})
		if sweep == 1 {
			for i, row := range rows {
				before[i][0], before[i][1] = counts(row)
			}
		}
	}
	var total, totalNoTransfer [2]int64
	for i, row := range rows {
		up, down := before[i][0], before[i][1]
		up2, down2 := counts(row)
		up2, down2 = up2-up, down2-down
		fmt.Fprintf(&table, "%-17s %10d %10d   %d up, %d down\n", row.label, up, down, up2, down2)
		if row.label != "transfer norange" && row.label != "transfer found" { // alternatives to transfer https, not extras
			total[0], total[1] = total[0]+up, total[1]+down
		}
		if !moves(row.label) {
			totalNoTransfer[0], totalNoTransfer[1] = totalNoTransfer[0]+up, totalNoTransfer[1]+down
		}
		switch {
		case row.label == "tcp" && (up != 0 || down != 0):
			t.Errorf("a tcp probe only connects, yet moved %d/%d bytes", up, down)
		case row.label != "tcp" && (up == 0 || down == 0):
			t.Errorf("%s moved %d up, %d down; a working probe moves bytes both ways", row.label, up, down)
		case moves(row.label) && (up2 != 0 || down2 != 0):
			t.Errorf("%s ran again within transfer.every: %d/%d bytes", row.label, up2, down2)
		case !moves(row.label) && row.label != "tcp" && (up2 == 0 || down2 == 0):
			t.Errorf("%s did not run in the second sweep", row.label)
		}
	}
	at := func(label string) [2]int64 {
		for i, row := range rows {
			if row.label == label {
				return before[i]
			}
		}
		t.Fatalf("no row %s", label)
		return [2]int64{}
	}
	if up, down := at("transfer https")[0], at("transfer https")[1]; down < checks.DefaultTransferBytes || down > checks.DefaultTransferBytes+4<<10 || up > 4<<10 {
		t.Errorf("transfer https moved %d up, %d down; want its %d bytes and a few headers", up, down, checks.DefaultTransferBytes)
	}
	if up, down := at("transfer tcp")[0], at("transfer tcp")[1]; up != checks.DefaultTransferBytes || down != checks.DefaultTransferBytes {
		t.Errorf("transfer tcp moved %d up, %d down; want %d each way", up, down, checks.DefaultTransferBytes)
	}
	if up, down := at("upload")[0], at("upload")[1]; up < checks.DefaultTransferBytes || up > checks.DefaultTransferBytes+4<<10 || down > 4<<10 {
		t.Errorf("upload moved %d up, %d down; want its %d bytes and a few headers up", up, down, checks.DefaultTransferBytes)
	}
	if up, down := at("transfer found")[0], at("transfer found")[1]; down < checks.DefaultTransferBytes || down > checks.DefaultTransferBytes+8<<10 || up > 8<<10 {
		t.Errorf("transfer found moved %d up, %d down; want the page, then %d bytes of the object", up, down, checks.DefaultTransferBytes)
	}
	fmt.Fprintf(&table, "one sweep of one target of each kind (tcp, tls, https, http_post, mtproto, mtproto_http, websocket, stun, transfer https, transfer tcp, upload): %d up, %d down; without transfer probes: %d up, %d down\n",
		total[0], total[1], totalNoTransfer[0], totalNoTransfer[1])
	t.Log("\n" + table.String())
}
