package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// needProgram finds a program, skipping when it is absent unless LIFELINE_INTEROP=1 demands it.
func needProgram(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("LIFELINE_INTEROP") == "1" {
			t.Fatalf("%s not installed", name)
		}
		t.Skipf("%s not installed (Debian package prometheus)", name)
	}
	return path
}

// sweptMetrics is a Metrics after one sweep with a working and a blocked cell.
func sweptMetrics() *Metrics {
	m := NewMetrics(metricsPlan())
	m.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}})
	ok := result("direct", "signal", checks.VerdictOK, 142*time.Millisecond, "")
	ok.Targets = []checks.TargetResult{{
		Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.signal.org:443"}, OK: true,
		Phases: checks.Phases{DNS: time.Millisecond, Connect: 40 * time.Millisecond, TLS: 100 * time.Millisecond},
	}, {
		Target: checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "tcp://echo.test:7"}, OK: true,
		Transfer: &checks.TransferStats{Wanted: 65536, Bytes: 65536, Goodput: 2.5e6},
	}}
	m.Observe(done(ok))
	m.Observe(done(result("direct", "whatsapp", checks.VerdictBlocked, 0, "reset")))
	m.Observe(checks.Event{Kind: checks.EventSweepFinished, At: time.Now()})
	return m
}

// TestPromtoolAcceptsTheExposition lints the scrape with Prometheus's own checker.
func TestPromtoolAcceptsTheExposition(t *testing.T) {
	promtool := needProgram(t, "promtool")
	body := scrape(t, sweptMetrics())
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// TestRealPrometheusScrapes runs a real Prometheus on loopback against the metrics handler and
// asks it, through its query API, for what it scraped.
func TestRealPrometheusScrapes(t *testing.T) {
	prometheus := needProgram(t, "prometheus")
	srv := httptest.NewServer(sweptMetrics().Handler())
	defer srv.Close()
	target := strings.TrimPrefix(srv.URL, "http://")

	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: lifeline
    static_configs:
      - targets: ['%s']
        labels: {vantage: test}
`, target)), 0o600)
	web := fixture.FreeLoopbackAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(prometheus,
		"--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+web, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()

	client := &http.Client{Timeout: 2 * time.Second}
	query := func(q string) []map[string]any {
		resp, err := client.Get("http://" + web + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Result []map[string]any `json:"result"`
			} `json:"data"`
		}
		if json.NewDecoder(resp.Body).Decode(&r) != nil {
			return nil
		}
		return r.Data.Result
	}
	deadline := time.Now().Add(30 * time.Second)
	var got []map[string]any
	for {
		got = query(`probe_success{job="lifeline"}`)
		if len(got) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if len(got) != 2 {
		t.Fatalf("Prometheus has %d probe_success series after 30s; its log:\n%s", len(got), logs.String())
	}
	values := map[string]string{}
	for _, s := range got {
		metric := s["metric"].(map[string]any)
		value := s["value"].([]any)
		if metric["vantage"] != "test" || metric["route"] != "direct" {
			t.Errorf("series labels %v", metric)
		}
		values[fmt.Sprint(metric["service"])] = fmt.Sprint(value[1])
	}
	if values["signal"] != "1" || values["whatsapp"] != "0" {
		t.Errorf("probe_success by service %v, want signal 1 and whatsapp 0", values)
	}
	if up := query(`up{job="lifeline"} == 1`); len(up) != 1 {
		t.Errorf("the lifeline target is not up in Prometheus: %v", up)
	}
	if v := query(`lifeline_verdict{service="whatsapp",verdict="blocked"} == 1`); len(v) != 1 {
		t.Errorf("verdict gauge not scraped: %v", v)
	}
}
