package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// secretMarks are recognisable strings placed where secrets live; none may reach a message.
var secretMarks = []string{"Sekr1tPass", "Sekr1tUser", "Sekr1tToken", "Sekr1tEnv", "10.99.99.99"}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	fixture.AssertNoSecrets(t, where, text, secretMarks)
}

func TestSecretsNeverInErrors(t *testing.T) {
	t.Setenv("LL_USER", "Sekr1tUser")
	t.Setenv("LL_PASS", "Sekr1tEnv")
	t.Setenv("LL_DNS", "10.99.99.99:99999")
	t.Setenv("LL_TOKEN", "Sekr1tToken")
	route := func(proxy string) string {
		return "routes:\n  - {name: a, proxy: \"" + proxy + "\"}\nservices: [max]\n"
	}
	docs := map[string]string{
		"bad scheme, inline password":  route("https://Sekr1tUser:Sekr1tPass@h:1"),
		"no scheme, inline password":   route("Sekr1tUser:Sekr1tPass@h:1"),
		"bad port, env password":       route("socks5://${LL_USER}:${LL_PASS}@h:0"),
		"no port, env password":        route("socks5://${LL_USER}:${LL_PASS}@h"),
		"broken URL":                   route("http://Sekr1tUser:Sekr1tPass@h:1/%zz"),
		"space in host":                route("http://Sekr1tUser:Sekr1tPass@h h:1"),
		"path":                         route("http://Sekr1tUser:Sekr1tPass@h:1/Sekr1tToken"),
		"unset next to set":            route("socks5://${LL_USER}:${LL_UNSET_X}@h:1"),
		"bad variable name":            route("socks5://${LL_USER}:${Sekr1tPass!}@h:1"),
		"password twice":               "routes:\n  - {name: a, proxy: \"socks5://Sekr1tUser:Sekr1tPass@h:1\", password_file: x}\nservices: [max]\n",
		"webhook bad scheme":           "webhook: ftp://Sekr1tToken@h/Sekr1tToken\n" + route("socks5://h:1"),
		"webhook env, not a URL":       "webhook: \"${LL_TOKEN}\"\n" + route("socks5://h:1"),
		"webhook unset next to set":    "webhook: \"https://h/${LL_TOKEN}/${LL_UNSET_Y}\"\n" + route("socks5://h:1"),
		"dns from env invalid":         "routes:\n  - {name: a, interface: wg0, dns: \"${LL_DNS}\"}\nservices: [max]\n",
		"target with userinfo":         "routes: [{name: a, direct: true}]\nservices:\n  - {name: m, targets: [{role: web, https: \"https://Sekr1tUser:Sekr1tPass@h/\"}]}\n",
		"control with userinfo":        "control: https://Sekr1tUser:Sekr1tPass@h/\n" + route("socks5://h:1"),
		"proxy as a number-like value": "routes:\n  - {name: a, proxy: {Sekr1tPass: 1}}\nservices: [max]\n",
	}
	for name, doc := range docs {
		_, err := Parse("c.yaml", []byte(doc))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		assertNoSecret(t, name, err.Error())
	}
	// The unset variable is named, so the person knows what to export.
	_, err := Parse("c.yaml", []byte(docs["unset next to set"]))
	if err == nil || !strings.Contains(err.Error(), "LL_UNSET_X") {
		t.Errorf("unset variable error = %v, want it to name LL_UNSET_X", err)
	}
}

func TestSecretsNeverInNotesOrSummary(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "pw", "Sekr1tPass\n", 0o644) // shared: produces a note
	t.Setenv("LL_PASS", "Sekr1tEnv")
	t.Setenv("LL_TOKEN", "Sekr1tToken")
	doc := `webhook: https://hooks.example.net/${LL_TOKEN}
on_change: echo changed
routes:
  - {name: a, proxy: "socks5://Sekr1tUser@127.0.0.1:1080", password_file: pw}
  - {name: b, proxy: "http://Sekr1tUser:${LL_PASS}@127.0.0.1:3128"}
services: [max]
`
	cfg, err := Parse(filepath.Join(dir, "c.yaml"), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Notes) == 0 {
		t.Fatal("expected a note about the shared password file")
	}
	assertNoSecret(t, "notes", strings.Join(cfg.Notes, "\n"))
	summary := strings.Join(cfg.Summary(), "\n")
	assertNoSecret(t, "summary", summary)
	assertNoSecret(t, "String", cfg.String())
	if !strings.Contains(summary, "socks5 127.0.0.1:1080 (auth)") || !strings.Contains(summary, "webhook") {
		t.Errorf("summary should still describe the routes and the webhook:\n%s", summary)
	}
	// The secrets did arrive where they are needed.
	if p, _ := cfg.Plan.Routes[1].Proxy.User.Password(); p != "Sekr1tEnv" {
		t.Errorf("env password = %q", p)
	}
	if !strings.HasSuffix(cfg.Alerts.Webhook(), "/Sekr1tToken") {
		t.Error("webhook token not expanded")
	}
}

// TestSharedConfigWithInlinePasswordIsWarned: a password written in the config itself is only
// as safe as the file's mode, so a group- or world-readable file gets a note (printed on
// stderr by every command), without the password.
func TestSharedConfigWithInlinePasswordIsWarned(t *testing.T) {
	t.Setenv("LL_PASS", "Sekr1tEnv")
	cases := []struct {
		name string
		doc  string
		mode os.FileMode
		warn bool
	}{
		{"inline proxy password, 0644", proxyDoc("socks5://u:Sekr1tPass@127.0.0.1:1080"), 0o644, true},
		{"inline proxy password, 0640", proxyDoc("http://u:Sekr1tPass@127.0.0.1:3128"), 0o640, true},
		{"inline proxy password, 0604", proxyDoc("http://u:Sekr1tPass@127.0.0.1:3128"), 0o604, true},
		{"inline proxy password, 0600", proxyDoc("socks5://u:Sekr1tPass@127.0.0.1:1080"), 0o600, false},
		{"password next to ${ENV}, 0644", proxyDoc("socks5://u:Sekr1t${LL_PASS}@127.0.0.1:1080"), 0o644, true},
		{"webhook with a password, 0644", "webhook: https://u:Sekr1tPass@hooks.example.net/x\n" + proxyDoc("socks5://127.0.0.1:1080"), 0o644, true},
		{"password only from ${ENV}, 0644", proxyDoc("socks5://u:${LL_PASS}@127.0.0.1:1080"), 0o644, false},
		{"user name only, 0644", proxyDoc("socks5://u@127.0.0.1:1080"), 0o644, false},
		{"no credentials, 0644", proxyDoc("socks5://127.0.0.1:1080"), 0o644, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "config.yaml", c.doc, c.mode)
			cfg, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(cfg.Notes, "\n")
			warned := strings.Contains(notes, path+" holds a password") && strings.Contains(notes, "chmod 600")
			if warned != c.warn {
				t.Errorf("warned=%v, want %v; notes %q", warned, c.warn, notes)
			}
			assertNoSecret(t, "notes", notes)
		})
	}
}

func proxyDoc(proxy string) string {
	return "routes:\n  - {name: a, proxy: \"" + proxy + "\"}\nservices: [max]\n"
}
