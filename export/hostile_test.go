package export

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// TestHostilePeersTextIsCleanInEveryExport sends what real hostile peers made of a sweep to
// every exporter, after a working baseline so each failure is an announced change: the
// metrics scrape, the results log, the on_change command's environment and the webhook body
// carry no escape, control or bidi character, and machine formats still parse.
func TestHostilePeersTextIsCleanInEveryExport(t *testing.T) {
	plan, events := hostilelab.SweepAll(t)
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	hook := newRecorder(t)
	notifier := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1, QueueSize: 64,
		OnChange: `env | grep '^LIFELINE_' >> ` + envFile,
		Webhook:  hook.srv.URL + "/hook",
	})
	defer notifier.Close()
	metrics := NewMetrics(plan)
	log, err := OpenResultLog(filepath.Join(dir, "results.jsonl"), 1<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	sinks := Sinks{notifier, metrics, log}

	failing := 0
	for _, e := range events {
		if e.Kind == checks.EventCheckDone {
			baseline := e
			baseline.Check = checks.CheckResult{Route: e.Check.Route, Service: e.Check.Service, Sweep: 0, Verdict: checks.VerdictOK, Latency: time.Millisecond}
			sinks.Observe(baseline)
			if !e.Check.Verdict.Works() {
				failing++
			}
		}
		sinks.Observe(e)
	}
	if failing < 10 {
		t.Fatalf("only %d hostile peers failed: the table lost its teeth", failing)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		n := len(hook.got())
		env, _ := os.ReadFile(envFile)
		if n >= failing && strings.Count(string(env), "LIFELINE_TO=") >= failing {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s: %d webhook posts and %d commands for %d changes", n, strings.Count(string(env), "LIFELINE_TO="), failing)
		}
		time.Sleep(20 * time.Millisecond)
	}
	log.Close()

	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	outputs := map[string]string{"metrics scrape": rec.Body.String()}
	env, _ := os.ReadFile(envFile)
	outputs["on_change environment"] = string(env)
	for what, text := range outputs {
		if bad := hostilelab.Unclean(text); bad != "" {
			t.Errorf("%s carries %s:\n%q", what, bad, text)
		}
	}
	logData, err := os.ReadFile(filepath.Join(dir, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(logData)), "\n")
	posted := hook.bodies()
	for what, docs := range map[string][]string{"results log line": lines, "webhook body": posted} {
		for _, doc := range docs {
			if bad := hostilelab.UncleanJSON(doc); bad != "" {
				t.Errorf("%s carries %s: %s", what, bad, doc)
			}
		}
	}
	if !strings.Contains(outputs["on_change environment"], "LIFELINE_REASON=proxy refused CONNECT for chat.lifeline.test: HTTP 403") {
		t.Errorf("on_change never heard the hostile proxy's answer, sanitized:\n%s", outputs["on_change environment"])
	}
}
