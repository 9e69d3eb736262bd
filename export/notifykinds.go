package export

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// TelegramAPI is the official Bot API, used when a telegram notifier names no other.
const TelegramAPI = "https://api.telegram.org"

// deliveryKind builds the request that announces a change to one kind of service.
type deliveryKind struct {
	request func(ctx context.Context, d Delivery, c Change) (*http.Request, error)
}

// deliveryKinds is the registry of HTTP notifiers.
var deliveryKinds = map[string]deliveryKind{
	checks.NotifyWebhook:  {request: webhookRequest},
	checks.NotifyNtfy:     {request: ntfyRequest},
	checks.NotifyTelegram: {request: telegramRequest},
}

// webhookRequest POSTs the WebhookPayload as JSON.
func webhookRequest(ctx context.Context, d Delivery, c Change) (*http.Request, error) {
	body, _ := json.Marshal(WebhookPayload{
		Route: c.Route, Service: c.Service, From: string(c.From), To: string(c.To),
		Reason: checks.Sanitize(c.Reason), Time: c.Time.UTC(),
	})
	return postJSON(ctx, d.URL, body)
}

// ntfyRequest publishes to an ntfy topic URL: the message as the body, a title, a priority
// (high when something broke) and tags, with a bearer token when one is set.
func ntfyRequest(ctx context.Context, d Delivery, c Change) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, strings.NewReader(changeText(c)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	req.Header.Set("Title", "lifeline: "+headerSafe(c.Route+" / "+c.Service+" "+string(c.To)))
	if c.To.Works() {
		req.Header.Set("Priority", "default")
		req.Header.Set("Tags", "white_check_mark")
	} else {
		req.Header.Set("Priority", "high")
		req.Header.Set("Tags", "warning")
	}
	if d.Token != "" {
		req.Header.Set("Authorization", "Bearer "+d.Token)
	}
	return req, nil
}

// telegramRequest sends the change as a bot message: POST {api}/bot{token}/sendMessage.
func telegramRequest(ctx context.Context, d Delivery, c Change) (*http.Request, error) {
	api := strings.TrimRight(d.URL, "/")
	if api == "" {
		api = TelegramAPI
	}
	body, _ := json.Marshal(struct {
		ChatID string `json:"chat_id"`
		Text   string `json:"text"`
	}{d.Chat, "lifeline: " + changeText(c)})
	return postJSON(ctx, api+"/bot"+d.Token+"/sendMessage", body)
}

// changeText is a change in one line for a person: "direct / Telegram: ok → blocked (reset…)".
func changeText(c Change) string {
	s := checks.Sanitize(c.Route) + " / " + checks.Sanitize(c.Service) + ": " + string(c.From) + " → " + string(c.To)
	if c.Reason != "" {
		s += " (" + checks.Sanitize(c.Reason) + ")"
	}
	return s
}

// headerSafe keeps a header value to printable ASCII, so no name can inject a header.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, checks.Sanitize(s))
}
