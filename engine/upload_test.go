//go:build unix

package engine_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const siteName = "www.lifeline.test"

func startSite(t *testing.T) *fixture.Server {
	return fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, siteName), Handler: fixture.ServiceSiteHandler()})
}

func uploadTarget(addr string) checks.Target {
	return checks.Target{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://" + addr + "/", SNI: siteName, RootCAs: fixture.Pool()}
}

// An upload to the service's own host completes through every kind of route: the server
// answers after the whole body, and the probe measured what it sent.
func TestUploadToTheServiceHostCompletes(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	site := startSite(t)
	for name, r := range transferRoutes(t) {
		t.Run(name, func(t *testing.T) {
			res := transferWithin(t, r, uploadTarget(site.Addr), transferOpts(64<<10))
			if !res.OK || res.Err != nil {
				t.Fatalf("upload failed: %v", res.Err)
			}
			s := res.Transfer
			if !s.Upload || s.Bytes != 64<<10 || s.Goodput <= 0 || s.Stalled || s.Tries > 1 {
				t.Fatalf("stats %+v, want 64 KB sent with a goodput, one try", *s)
			}
			if res.Status != 200 || !strings.HasPrefix(s.Summary(), "sent 64 KB of 64 KB at ") {
				t.Fatalf("status %d, summary %q", res.Status, s.Summary())
			}
		})
	}
}

// A path that stops carrying the client's bytes after 16 KB freezes the upload: a stall
// after some 16–40 KB (what the far end took plus its small window), never a completed
// exchange, and confirmed by a second try.
func TestUploadFrozenUpstreamStalls(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	site := startSite(t)
	frozen := fixture.FreezeUpload(t, site.Addr, 16<<10)
	res := transferWithin(t, directRoute(t), uploadTarget(frozen), transferOpts(64<<10))
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailStalled || res.Err.Operation != checks.OpWrite {
		t.Fatalf("frozen upload: ok=%v err=%v, want stalled at write", res.OK, res.Err)
	}
	s := res.Transfer
	if !s.Stalled || s.Bytes < 12<<10 || s.Bytes >= 64<<10 {
		t.Fatalf("stats %+v, want stalled after 12–64 KB", *s)
	}
	if s.Tries != 2 || s.Stalls != 2 {
		t.Fatalf("tries %d, stalls %d: a stall every time is confirmed by a second try", s.Tries, s.Stalls)
	}
	v, _, reason, _ := checks.Judge(checks.Service{Name: "app"}, []checks.TargetResult{chatOK(), res}, time.Second)
	if v != checks.VerdictPartial || !strings.HasPrefix(reason, "media stalls after ") {
		t.Fatalf("chat ok + frozen upload: %s %q, want partial, media stalls after N KB", v, reason)
	}
}

// The freeze is applied inconsistently in the field: a flow that stalls once in three tries
// is not a stall; one that stalls twice is.
func TestStallIsCalledOnlyByMajority(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	site := startSite(t)
	stall, clean := fixture.StallAfter(site.Addr, 16<<10), fixture.ForwardTo(site.Addr)
	page := func(addr string) checks.Target {
		return checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://" + addr + "/static/app.js",
			SNI: siteName, RootCAs: fixture.Pool()}
	}
	cases := []struct {
		name          string
		seq           []fixture.Behaviour
		stalled       bool
		tries, stalls int
	}{
		{"clean", []fixture.Behaviour{clean}, false, 0, 0},
		{"once in three", []fixture.Behaviour{stall, clean, clean}, false, 3, 1},
		{"twice in three", []fixture.Behaviour{stall, clean, stall}, true, 3, 2},
		{"every time", []fixture.Behaviour{stall}, true, 2, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sw := fixture.NewSwitch(t, fixture.Sequence(c.seq...))
			res := transferWithin(t, directRoute(t), page(sw.Addr()), transferOpts(64<<10))
			if got := res.Err != nil && res.Err.Failure == checks.FailStalled; got != c.stalled {
				t.Fatalf("stalled = %v (err %v), want %v", got, res.Err, c.stalled)
			}
			if !c.stalled && !res.OK {
				t.Fatalf("not a stall but failed: %v", res.Err)
			}
			if s := res.Transfer; s.Tries != c.tries || s.Stalls != c.stalls {
				t.Fatalf("tries %d, stalls %d; want %d, %d", s.Tries, s.Stalls, c.tries, c.stalls)
			}
		})
	}
}

// A built-in download finds its object on the service's own page (the first one big enough)
// or in its manifest, through every kind of route, and fetches only the transfer's size of it.
func TestTransferFindsTheObjectOnTheServicePage(t *testing.T) {
	site := startSite(t)
	for name, r := range transferRoutes(t) {
		for _, c := range []struct{ path, find string }{
			{"/", checks.FindScript},
			{"/latest.json", `"url"\s*:\s*"([^"]+)"`},
		} {
			t.Run(name+c.path, func(t *testing.T) {
				target := checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://" + site.Addr + c.path,
					Find: c.find, SNI: siteName, RootCAs: fixture.Pool()}
				res := transferWithin(t, r, target, transferOpts(64<<10))
				if !res.OK {
					t.Fatalf("found transfer failed: %v", res.Err)
				}
				if s := res.Transfer; s.Bytes != 64<<10 || !strings.HasPrefix(s.Object, "https://"+site.Addr+"/static/app.js") {
					t.Fatalf("stats %+v, want 64 KB of the page's large script", *s)
				}
			})
		}
	}
}

// A service's upload and download may share its web host's address: within transfer.every
// each keeps its own carried-over result, and neither reaches the server again.
func TestUploadAndDownloadOnOneHostCarryOverApart(t *testing.T) {
	var n atomic.Int64
	counted := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, siteName), Handler: fixture.CountRequests(fixture.ServiceSiteHandler(), &n)})
	up := uploadTarget(counted.Addr)
	down := checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: up.Addr, Find: checks.FindScript, SNI: siteName, RootCAs: fixture.Pool()}
	s, err := engine.NewScheduler(appPlan(checks.TransferPlan{Every: time.Hour}, []checks.Target{up, down}, directSpec))
	if err != nil {
		t.Fatal(err)
	}
	sweepCells(t, s)
	first := n.Load() // the upload, the page and the object
	c := sweepCells(t, s)["direct"]
	if n.Load() != first {
		t.Fatalf("second sweep within every made %d more requests", n.Load()-first)
	}
	if len(c.Targets) != 2 {
		t.Fatalf("%d results, want 2", len(c.Targets))
	}
	for i, want := range []bool{true, false} {
		tr := c.Targets[i].Transfer
		if tr == nil || !tr.CarriedOver || tr.Upload != want {
			t.Fatalf("target %d (%s): %+v, want carried over with upload=%v", i, c.Targets[i].Target, tr, want)
		}
	}
}

// A server that takes the whole body and never answers is silent, not frozen: on a route
// where lifeline sees the acknowledgements the upload crossed, so it is no stall.
func TestUploadToASilentServerIsNoStall(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	silent := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, siteName), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})})
	res := transferWithin(t, directRoute(t), uploadTarget(silent.Addr), transferOpts(64<<10))
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailGenericTimeout || res.Transfer.Stalled {
		t.Fatalf("silent server: ok=%v err=%v stalled=%v, want a timeout waiting for the answer, not a stall", res.OK, res.Err, res.Transfer.Stalled)
	}
	if !strings.Contains(res.Err.Detail, "after all 64 KB arrived") {
		t.Fatalf("detail %q", res.Err.Detail)
	}
}

// Uploads cost what downloads cost, so they obey the same switches: none on a metered route,
// none with transfer off.
func TestUploadsObeyMeteredAndOff(t *testing.T) {
	var n atomic.Int64
	site := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, siteName), Handler: fixture.CountRequests(fixture.ServiceSiteHandler(), &n)})
	chat := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: site.Addr, SNI: siteName, RootCAs: fixture.Pool()}
	for _, c := range []struct {
		plan    checks.TransferPlan
		route   checks.RouteSpec
		skipped string
	}{
		{checks.TransferPlan{}, checks.RouteSpec{Name: "phone", Kind: checks.RouteDirect, Metered: true}, "transfer off (metered)"},
		{checks.TransferPlan{Off: true}, directSpec, "transfer off"},
	} {
		s, err := engine.NewScheduler(appPlan(c.plan, []checks.Target{chat, uploadTarget(site.Addr)}, c.route))
		if err != nil {
			t.Fatal(err)
		}
		got := sweepCells(t, s)[c.route.Name]
		if got.Verdict != checks.VerdictOK || got.Skipped != c.skipped || len(got.Targets) != 1 {
			t.Errorf("%s: %s %q skipped=%q targets=%d, want ok on chat alone, skipped %q", c.route.Name, got.Verdict, got.Reason, got.Skipped, len(got.Targets), c.skipped)
		}
	}
	if n.Load() != 0 {
		t.Errorf("%d requests reached the server; a skipped upload sends nothing", n.Load())
	}
}
