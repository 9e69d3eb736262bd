package export

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// webhookSink collects what the webhook receives.
func webhookSink(t *testing.T) (url string, got func() []WebhookPayload) {
	var mu sync.Mutex
	var list []WebhookPayload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p WebhookPayload
		json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		list = append(list, p)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []WebhookPayload {
		mu.Lock()
		defer mu.Unlock()
		return append([]WebhookPayload(nil), list...)
	}
}

// A restarted lifeline primed with the stored results knows each cell's state: a block
// already announced is not announced again, and a change that happened while lifeline was
// stopped is announced (unprimed, it would be learnt silently as the first state).
func TestPrimedNotifierKnowsTheStateBeforeTheRestart(t *testing.T) {
	url, got := webhookSink(t)
	n := NewNotifier(NotifyOptions{FailureThreshold: 2, SuccessThreshold: 2, Webhook: url})
	blocked := func(service string) checks.CheckResult {
		return result("direct", service, checks.VerdictBlocked, 0, "DNS tampered for web.whatsapp.com")
	}
	ok := func(service string) checks.CheckResult {
		return result("direct", service, checks.VerdictOK, 90*time.Millisecond, "")
	}
	// The last run: WhatsApp went down (and that was announced then); Signal worked.
	n.Prime([]checks.CheckResult{ok("whatsapp"), ok("whatsapp"), blocked("whatsapp"), blocked("whatsapp"),
		ok("signal"), ok("signal")})
	// This run: WhatsApp still blocked, nothing new; Signal was blocked while lifeline was stopped.
	for _, r := range []checks.CheckResult{blocked("whatsapp"), blocked("whatsapp"), blocked("signal"), blocked("signal")} {
		n.Observe(done(r))
	}
	waitFor(t, "the Signal alert", func() bool { return len(got()) > 0 })
	n.Close()
	if list := got(); len(list) != 1 || list[0].Service != "signal" || list[0].From != "ok" || list[0].To != "blocked" {
		t.Fatalf("webhook got %+v, want only Signal ok → blocked", list)
	}
}
