package main

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// childNoFileEnv, when set, makes the child lower its open-file limit to this many before
// running lifeline, as a user's `ulimit -n` would.
const childNoFileEnv = "LIFELINE_CHILD_NOFILE"

// TestAMetricsFloodLeavesEveryVerdictRight: a local user opens connection after connection to
// --metrics and never sends a request, while lifeline runs under an open-file limit of 128.
// The metrics server holds a bounded number of them, so the checks keep their descriptors:
// every route × service stays ok through the flood, none reads as down or blocked.
func TestAMetricsFloodLeavesEveryVerdictRight(t *testing.T) {
	echo := fixture.Echo(t)
	var cfg strings.Builder
	cfg.WriteString("interval: 1s\ntimeout: 3s\ncontrol: none\nroutes:\n")
	for i := range 6 {
		cfg.WriteString("  - {name: r" + strconv.Itoa(i) + ", direct: true}\n")
	}
	cfg.WriteString("services:\n")
	for _, s := range []string{"a", "b"} {
		cfg.WriteString("  - name: " + s + "\n    targets:\n")
		for range 3 {
			cfg.WriteString("      - {role: chat, tcp: \"" + echo + "\"}\n")
		}
	}
	cfgPath := writeFile(t, "config.yaml", cfg.String())
	metrics := fixture.FreeLoopbackAddr(t)
	c := startChildEnv(t, []string{childNoFileEnv + "=128"}, "status", "--format", "json", "--config", cfgPath, "--metrics", metrics)
	assertAllOK(t, c.statusLine(), "before the flood")
	scrapeMetrics(t, metrics)

	// The flood: up to 1000 idle connections held open, replaced as the server drops them.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var opened atomic.Int64
	for range 4 {
		wg.Go(func() {
			var conns []net.Conn
			defer func() {
				for _, conn := range conns {
					conn.Close()
				}
			}()
			for len(conns) < 250 {
				select {
				case <-stop:
					return
				default:
				}
				conn, err := net.DialTimeout("tcp", metrics, time.Second)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				opened.Add(1)
				conns = append(conns, conn)
			}
			<-stop
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	// Five sweeps under the flood, the first one after it has peaked.
	for opened.Load() < 600 {
		select {
		case <-c.exited:
			t.Fatalf("lifeline exited under the flood; stderr:\n%s", c.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	c.statusLine()
	for i := range 5 {
		assertAllOK(t, c.statusLine(), "sweep "+strconv.Itoa(i+1)+" of the flood")
	}
	t.Logf("%d connections opened against --metrics", opened.Load())
	c.terminate()
}

func assertAllOK(t *testing.T, line any, when string) {
	t.Helper()
	data, _ := json.Marshal(line)
	var l struct{ Results []checks.ResultJSON }
	json.Unmarshal(data, &l)
	if len(l.Results) != 12 {
		t.Fatalf("%s: %d results, want 12", when, len(l.Results))
	}
	for _, r := range l.Results {
		if r.Verdict != checks.VerdictOK {
			t.Errorf("%s: %s/%s is %s: %s", when, r.Route, r.Service, r.Verdict, r.Reason)
		}
	}
}
