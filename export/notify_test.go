package export

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// feed walks one cell from ok to blocked and back with thresholds of one: one silent baseline,
// then two announced changes.
func feed(n *Notifier) {
	n.Observe(done(result("family-vpn", "signal", checks.VerdictOK, 80*time.Millisecond, "")))
	n.Observe(done(result("family-vpn", "signal", checks.VerdictBlocked, 0, "TLS reset after ClientHello on chat.signal.org")))
	n.Observe(done(result("family-vpn", "signal", checks.VerdictOK, 90*time.Millisecond, "")))
}

// waitFor polls cond for a bounded time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOnChangeCommandGetsTheChangeInItsEnvironment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "changes")
	n := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1,
		OnChange: `printf '%s|%s|%s|%s|%s\n' "$LIFELINE_ROUTE" "$LIFELINE_SERVICE" "$LIFELINE_FROM" "$LIFELINE_TO" "$LIFELINE_REASON" >> ` + out,
	})
	defer n.Close()
	feed(n)
	var lines []string
	waitFor(t, "two command runs", func() bool {
		data, _ := os.ReadFile(out)
		lines = strings.Split(strings.TrimSpace(string(data)), "\n")
		return len(lines) == 2
	})
	want := []string{
		"family-vpn|signal|ok|blocked|TLS reset after ClientHello on chat.signal.org",
		"family-vpn|signal|blocked|ok|",
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("run %d: %q, want %q", i, lines[i], want[i])
		}
	}
}

func TestOnChangeCommandIsBoundedByItsTimeout(t *testing.T) {
	diag := &fixture.SyncBuffer{}
	n := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1, OnChange: "sleep 30",
		CommandTimeout: 200 * time.Millisecond, Diagnostics: diag,
	})
	feed(n)
	waitFor(t, "the timeout warning", func() bool { return strings.Contains(diag.String(), "timed out") })
	start := time.Now()
	n.Close()
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("Close took %s with a stuck command", took)
	}
}

func TestWebhookPostsEachChange(t *testing.T) {
	var mu sync.Mutex
	var got []WebhookPayload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("got %s with content type %q", r.Method, r.Header.Get("Content-Type"))
		}
		var p WebhookPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Errorf("payload does not parse: %v", err)
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer srv.Close()
	n := NewNotifier(NotifyOptions{FailureThreshold: 1, SuccessThreshold: 1, Webhook: srv.URL + "/hook?token=s3cret"})
	defer n.Close()
	feed(n)
	waitFor(t, "two webhook posts", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 2 })
	mu.Lock()
	defer mu.Unlock()
	first := got[0]
	if first.Route != "family-vpn" || first.Service != "signal" || first.From != "ok" || first.To != "blocked" ||
		first.Reason != "TLS reset after ClientHello on chat.signal.org" || first.Time.IsZero() {
		t.Errorf("first payload %+v", first)
	}
	if got[1].From != "blocked" || got[1].To != "ok" {
		t.Errorf("second payload %+v, want the recovery", got[1])
	}
}

// webhookUntilGiveUp sends one change through a notifier with opt (thresholds of 1) and waits
// until it gives up delivering it; it returns the notifier's diagnostics.
func webhookUntilGiveUp(t *testing.T, opt NotifyOptions) string {
	t.Helper()
	diag := &fixture.SyncBuffer{}
	opt.FailureThreshold, opt.SuccessThreshold, opt.Diagnostics = 1, 1, diag
	n := NewNotifier(opt)
	defer n.Close()
	n.Observe(done(result("direct", "whatsapp", checks.VerdictOK, 0, "")))
	n.Observe(done(result("direct", "whatsapp", checks.VerdictBlocked, 0, "")))
	waitFor(t, "the give-up warning", func() bool { return strings.Contains(diag.String(), "gave up") })
	return diag.String()
}

func TestWebhookRetriesThenGivesUpWithoutPrintingTheURL(t *testing.T) {
	hook := newRecorderAnswering(t, http.StatusServiceUnavailable)
	s := webhookUntilGiveUp(t, NotifyOptions{Webhook: hook.srv.URL + "/hook?token=s3cret", Attempts: 3, Backoff: 10 * time.Millisecond})
	if c := len(hook.got()); c != 3 {
		t.Errorf("%d attempts, want 3", c)
	}
	if strings.Contains(s, "s3cret") || strings.Contains(s, hook.srv.URL) || !strings.Contains(s, "webhook: status 503") {
		t.Errorf("diagnostics %q: want the status and no URL", s)
	}
}

func TestWebhookNeverRetriesAClientError(t *testing.T) {
	hook := newRecorderAnswering(t, http.StatusNotFound)
	webhookUntilGiveUp(t, NotifyOptions{Webhook: hook.srv.URL, Backoff: time.Millisecond})
	if c := len(hook.got()); c != 1 {
		t.Errorf("%d attempts on a 404, want 1", c)
	}
}

func TestHangingWebhookDoesNotStallChecks(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	diag := &fixture.SyncBuffer{}
	n := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1, Webhook: srv.URL,
		WebhookTimeout: 30 * time.Second, QueueSize: 2, Diagnostics: diag,
	})
	// Far more changes than the queue holds, while the first delivery hangs.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			v := checks.VerdictOK
			if i%2 == 1 {
				v = checks.VerdictBlocked
			}
			n.Observe(checkDone("direct", "telegram", v))
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Observe blocked behind a hanging webhook")
	}
	if !strings.Contains(diag.String(), "queue full") {
		t.Errorf("dropped changes were not warned about: %q", diag.String())
	}
	closed := make(chan struct{})
	go func() { n.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for the hanging webhook")
	}
}

func checkDone(route, service string, v checks.Verdict) checks.Event {
	return done(result(route, service, v, 0, ""))
}

// TestOnChangeCommandGetsAMinimalEnvironment: the command sees PATH, HOME, LANG, LC_*, TZ and
// LIFELINE_* only, and no variable a ${…} secret was read from even under a LIFELINE_ name.
func TestOnChangeCommandGetsAMinimalEnvironment(t *testing.T) {
	t.Setenv("LL_PROXY_PASS", "proxy-secret-1")
	t.Setenv("LIFELINE_TOKEN", "hook-secret-2")
	t.Setenv("HTTPS_PROXY", "http://user:proxy-secret-3@proxy.example:3128")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cloud-secret-4")
	t.Setenv("LC_TIME", "C")
	t.Setenv("TZ", "UTC")
	out := filepath.Join(t.TempDir(), "env")
	n := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1,
		OnChange:  "env > " + out,
		SecretEnv: []string{"LL_PROXY_PASS", "LIFELINE_TOKEN"},
	})
	defer n.Close()
	n.Observe(checks.Event{Kind: checks.EventCheckDone, Check: checks.CheckResult{
		Route: "r", Service: "s", Verdict: checks.VerdictOK}})
	n.Observe(checks.Event{Kind: checks.EventCheckDone, Check: checks.CheckResult{
		Route: "r", Service: "s", Verdict: checks.VerdictBlocked, Reason: "reset"}})
	var env string
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(env, "LIFELINE_TO=") {
		if time.Now().After(deadline) {
			t.Fatal("on_change never ran")
		}
		time.Sleep(20 * time.Millisecond)
		data, _ := os.ReadFile(out)
		env = string(data)
	}
	for _, secret := range []string{"proxy-secret-1", "hook-secret-2", "proxy-secret-3", "cloud-secret-4"} {
		if strings.Contains(env, secret) {
			t.Errorf("on_change environment holds %q:\n%s", secret, env)
		}
	}
	for _, want := range []string{"PATH=", "LC_TIME=C", "TZ=UTC", "LIFELINE_TO=blocked"} {
		if !strings.Contains(env, want) {
			t.Errorf("on_change environment lacks %s:\n%s", want, env)
		}
	}
}
