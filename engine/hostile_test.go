package engine_test

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// TestHostilePeersCannotHangBloatFoolOrInject runs one check per hostile peer through the
// scheduler and asserts what protects the user: the sweep ends within its deadline, the bytes
// it allocates stay bounded while the peer offers far more, the verdict and OONI failure
// are the right ones, and no text the peer wrote reaches the result with a control byte.
func TestHostilePeersCannotHangBloatFoolOrInject(t *testing.T) {
	for _, peer := range hostilelab.Peers(t) {
		t.Run(peer.Name, func(t *testing.T) {
			s := oneCheck(t, hostilelab.Settings, peer.Route, peer.Target)
			var got checks.CheckResult
			var route checks.RouteResult
			took, allocated := measure(func() { got, route = sweepOne(s) })
			t.Logf("took %s, allocated %d bytes; verdict %s, cause %v, reason %q", took.Round(100*time.Microsecond), allocated, got.Verdict, got.Cause, got.Reason)
			if took > hostilelab.Settings.Timeout+hostilelab.Slack {
				t.Errorf("the sweep took %s; its check deadline is %s", took, hostilelab.Settings.Timeout)
			}
			if allocated > hostilelab.MaxAlloc {
				t.Errorf("the sweep allocated %d bytes, over the %d bound: something read the hostile stream without a limit", allocated, hostilelab.MaxAlloc)
			}
			if got.Verdict != peer.Verdict {
				t.Fatalf("verdict %s (%s), want %s", got.Verdict, got.Reason, peer.Verdict)
			}
			if peer.Failure != "" && (got.Cause == nil || got.Cause.Failure != peer.Failure || got.Cause.Operation != peer.Operation) {
				t.Errorf("cause %v, want %s at %s", got.Cause, peer.Failure, peer.Operation)
			}
			if !strings.HasPrefix(got.Reason, peer.Reason) {
				t.Errorf("reason %q, want it to start with %q", got.Reason, peer.Reason)
			}
			if (peer.Verdict == checks.VerdictRouteDown) == route.OK {
				t.Errorf("route reported ok=%v (%s) for a %s check", route.OK, route.Reason, peer.Verdict)
			}
			doc, err := json.Marshal(got.JSON())
			if err != nil {
				t.Fatal(err)
			}
			if bad := hostilelab.UncleanJSON(string(doc)); bad != "" {
				t.Errorf("the JSON result carries %s: %s", bad, doc)
			}
			texts := map[string]string{"reason": got.Reason, "route reason": route.Reason}
			if got.Cause != nil {
				texts["cause"] = got.Cause.Error()
			}
			for _, tr := range got.Targets {
				texts["peer"] += tr.Peer
				if tr.Err != nil {
					texts["target error"] += tr.Err.Error()
					texts["target reason"] += tr.Err.Human(tr.Target.Host())
				}
			}
			for where, text := range texts {
				if bad := hostilelab.Unclean(text); bad != "" {
					t.Errorf("%s carries %s: %q", where, bad, text)
				}
			}
		})
	}
}

// measure runs f and returns how long it took and how many bytes the process allocated
// meanwhile (every goroutine counts, so fixtures are included).
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return took, after.TotalAlloc - before.TotalAlloc
}
