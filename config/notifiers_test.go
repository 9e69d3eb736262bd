package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

const notifyRoutes = "routes:\n  - {name: direct, direct: true}\n  - {name: tunnel, proxy: \"socks5://127.0.0.1:1080\"}\n" +
	"services:\n  - name: s\n    targets: [{role: chat, tcp: \"127.0.0.1:1\"}]\n"

// TestNotifiersParseWithTheirWayOut: webhook (plain or a mapping), ntfy and telegram, each
// with via auto by default, direct, env or a route's name; secrets from ${ENV} are expanded
// and their variables remembered, so no child is given them.
func TestNotifiersParseWithTheirWayOut(t *testing.T) {
	t.Setenv("NTFY_TOKEN", "tk_abc")
	t.Setenv("TG_TOKEN", "123:xyz")
	cfg, err := Parse("", []byte(`
webhook: https://hooks.example.net/h/${NTFY_TOKEN}
ntfy: {url: "https://ntfy.example.net/alerts", token: "${NTFY_TOKEN}", via: tunnel}
telegram:
  token: ${TG_TOKEN}
  chat: "-1001"
  via: direct
`+notifyRoutes))
	if err != nil {
		t.Fatal(err)
	}
	want := []Notifier{
		{Kind: checks.NotifyWebhook, URL: "https://hooks.example.net/h/tk_abc", Via: checks.ViaAuto},
		{Kind: checks.NotifyNtfy, URL: "https://ntfy.example.net/alerts", Token: "tk_abc", Via: "tunnel"},
		{Kind: checks.NotifyTelegram, Token: "123:xyz", Chat: "-1001", Via: checks.ViaDirect},
	}
	if len(cfg.Alerts.Notifiers) != len(want) {
		t.Fatalf("notifiers %+v", cfg.Alerts.Notifiers)
	}
	for i, n := range cfg.Alerts.Notifiers {
		if n != want[i] {
			t.Errorf("notifier %d = %+v, want %+v", i, n, want[i])
		}
	}
	if strings.Join(cfg.SecretEnv, ",") != "NTFY_TOKEN,TG_TOKEN" {
		t.Errorf("secret variables %v", cfg.SecretEnv)
	}
	summary := strings.Join(cfg.Summary(), "\n")
	if strings.Contains(summary, "tk_abc") || strings.Contains(summary, "xyz") || !strings.Contains(summary, "telegram via direct") {
		t.Errorf("summary:\n%s", summary)
	}
	for doc, wantErr := range map[string]string{
		"ntfy: {url: https://ntfy.example.net/a, via: nowhere}\n": "ntfy.via: \"nowhere\" is not a route",
		"telegram: {chat: \"1\"}\n":                               "telegram needs token",
		"ntfy: {url: ftp://x/y}\n":                                "must be an http:// or https:// URL",
	} {
		if _, err := Parse("", []byte(doc+notifyRoutes)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: %v, want %q", doc, err, wantErr)
		}
	}
}

// TestAlertTokensAndCommandsFollowTheFileMode: a token written in a webhook URL of a config
// other users can read is warned about (not one given as ${ENV}); a config every user can
// write that holds on_change is refused, as OpenSSH refuses a world-writable
// authorized_keys.
func TestAlertTokensAndCommandsFollowTheFileMode(t *testing.T) {
	t.Setenv("HOOK_TOKEN", "T0KEN")
	dir := t.TempDir()
	write := func(name, doc string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(doc+notifyRoutes), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tokenNote := func(cfg *Config) bool {
		return strings.Contains(strings.Join(cfg.Notes, "\n"), "alert token")
	}
	inPath := "webhook: https://discord.example/api/webhooks/1234/AbCdEfGhIjKlMnOpQrSt\n"
	for _, c := range []struct {
		name, doc string
		mode      os.FileMode
		warned    bool
	}{
		{"token in path, 0644", inPath, 0o644, true},
		{"token in path, 0600", inPath, 0o600, false},
		{"token in query, 0644", "webhook: https://hooks.example/h?token=abc\n", 0o644, true},
		{"token from env, 0644", "webhook: https://hooks.example/h/${HOOK_TOKEN}\n", 0o644, false},
		{"telegram token written out, 0644", "telegram: {token: \"123:abc\", chat: \"1\"}\n", 0o644, true},
	} {
		cfg, err := Load(write("c.yaml", c.doc, c.mode))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tokenNote(cfg) != c.warned {
			t.Errorf("%s: warned %v, want %v (notes %q)", c.name, tokenNote(cfg), c.warned, cfg.Notes)
		}
	}

	if _, err := Load(write("c.yaml", "on_change: 'true'\n", 0o666)); err == nil || !strings.Contains(err.Error(), "writable by every user") {
		t.Errorf("a world-writable config with on_change was accepted: %v", err)
	}
	if _, err := Load(write("c.yaml", "webhook: https://hooks.example/h/${HOOK_TOKEN}\n", 0o666)); err != nil {
		t.Errorf("a world-writable config without on_change: %v", err)
	}
	shared := filepath.Join(dir, "shared")
	if err := os.Mkdir(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(shared, 0o777)
	if _, err := Load(write("shared/c.yaml", "on_change: 'true'\n", 0o600)); err == nil || !strings.Contains(err.Error(), "directory every user can write") {
		t.Errorf("on_change in a world-writable directory was accepted: %v", err)
	}
	os.Chmod(shared, 0o777|os.ModeSticky)
	if _, err := Load(write("shared/c.yaml", "on_change: 'true'\n", 0o600)); err != nil {
		t.Errorf("on_change in a sticky directory (like /tmp): %v", err)
	}
}
