package config

import (
	"crypto/x509"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

const fullExample = `interval: 45s
timeout: 12s
step_timeout: 4s
slow: 1500ms
concurrency: 16
per_route: 3
history: 60
ca_files: [extra.pem]
control: https://www.gstatic.com/generate_204
failure_threshold: 3
success_threshold: 1
on_change: "notify-send lifeline \"$LIFELINE_ROUTE $LIFELINE_SERVICE $LIFELINE_TO\""
webhook: https://hooks.example.net/lifeline/${HOOK_TOKEN}
routes:
  - name: direct
    direct: true
  - name: wg
    interface: wg0
    dns: 10.64.0.1:53
  - name: tor
    proxy: socks5://127.0.0.1:9050
    control: none
  - name: office
    proxy: http://alice:${OFFICE_PASS}@proxy.example.net:3128
    ca_files: [office-ca.pem]
  - name: shop
    proxy: socks5://bob@203.0.113.7:1080
    password_file: shop.pass
services:
  - whatsapp
  - telegram
  - name: matrix
    title: Matrix
    short: MX
    ca_files: [matrix-ca.pem]
    targets:
      - {role: chat, tls: matrix.example.org:443}
      - {role: chat, tls: "1.2.3.4:443", sni: matrix.example.org}
      - {role: web, https: "https://matrix.example.org/_matrix/client/versions", expect: 200}
      - {role: chat, tcp: "matrix.example.org:8448"}
      - {role: chat, http_post: "149.154.167.51:80"}
`

func TestParseFullExample(t *testing.T) {
	dir := t.TempDir()
	extra := writeCA(t, dir, "extra.pem")
	office := writeCA(t, dir, "office-ca.pem")
	matrix := writeCA(t, dir, "matrix-ca.pem")
	writeFile(t, dir, "shop.pass", "shop-Secret-9\n", 0o600)
	t.Setenv("OFFICE_PASS", "p@ss:w/rd")
	t.Setenv("HOOK_TOKEN", "tok123")

	cfg, err := Parse(filepath.Join(dir, "config.yaml"), []byte(fullExample))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(cfg.Notes) != 0 {
		t.Errorf("notes = %q, want none", cfg.Notes)
	}

	wantSettings := checks.Settings{
		Interval: 45 * time.Second, Timeout: 12 * time.Second, StepTimeout: 4 * time.Second,
		Slow: 1500 * time.Millisecond, Concurrency: 16, PerRoute: 3, HistorySize: 60,
		BodyLimit: checks.DefaultSettings.BodyLimit,
	}
	if cfg.Plan.Settings != wantSettings {
		t.Errorf("settings = %+v, want %+v", cfg.Plan.Settings, wantSettings)
	}
	wantAlerts := Alerts{
		FailureThreshold: 3, SuccessThreshold: 1,
		OnChange:  `notify-send lifeline "$LIFELINE_ROUTE $LIFELINE_SERVICE $LIFELINE_TO"`,
		Notifiers: []Notifier{{Kind: checks.NotifyWebhook, URL: "https://hooks.example.net/lifeline/tok123", Via: checks.ViaAuto}},
	}
	if !reflect.DeepEqual(cfg.Alerts, wantAlerts) {
		t.Errorf("alerts = %+v, want %+v", cfg.Alerts, wantAlerts)
	}

	routes := cfg.Plan.Routes
	if len(routes) != 5 {
		t.Fatalf("got %d routes, want 5", len(routes))
	}
	type routeWant struct {
		name, kind, iface, dns, host, user, pass string
		control                                  bool
	}
	wants := []routeWant{
		{name: "direct", kind: checks.RouteDirect, control: true},
		{name: "wg", kind: checks.RouteInterface, iface: "wg0", dns: "10.64.0.1:53", control: true},
		{name: "tor", kind: checks.RouteSOCKS5, host: "127.0.0.1:9050"},
		{name: "office", kind: checks.RouteHTTP, host: "proxy.example.net:3128", user: "alice", pass: "p@ss:w/rd", control: true},
		{name: "shop", kind: checks.RouteSOCKS5, host: "203.0.113.7:1080", user: "bob", pass: "shop-Secret-9", control: true},
	}
	for i, w := range wants {
		r := routes[i]
		if r.Name != w.name || r.Kind != w.kind || r.Interface != w.iface || r.DNS != w.dns {
			t.Errorf("route %d = %+v, want %+v", i, r, w)
		}
		if w.host != "" {
			if r.Proxy == nil || r.Proxy.Host != w.host {
				t.Errorf("route %s proxy = %v, want host %s", w.name, r.Proxy, w.host)
				continue
			}
			pass, _ := r.Proxy.User.Password()
			if w.user != "" && (r.Proxy.User.Username() != w.user || pass != w.pass) {
				t.Errorf("route %s credentials = %q/%q, want %q/%q", w.name, r.Proxy.User.Username(), pass, w.user, w.pass)
			}
		}
		if (r.Control != nil) != w.control {
			t.Errorf("route %s control = %v, want set=%v", w.name, r.Control, w.control)
		}
		if r.Control != nil {
			if r.Control.Kind != checks.KindHTTPS || r.Control.Addr != checks.DefaultControl || r.Control.Role != checks.RoleControl {
				t.Errorf("route %s control = %+v", w.name, r.Control)
			}
			if !trusts(*r.Control, extra) {
				t.Errorf("route %s control does not trust the global ca_files", w.name)
			}
		}
	}
	if got := routes[3].CAs; len(got) != 1 || !got[0].Equal(office) {
		t.Errorf("office CAs = %v, want the office CA", got)
	}
	if len(routes[0].CAs) != 0 {
		t.Errorf("direct route has CAs %v", routes[0].CAs)
	}
	if routes[3].Proxy.Scheme != "http" || routes[2].Proxy.Scheme != "socks5" {
		t.Errorf("schemes = %s, %s", routes[3].Proxy.Scheme, routes[2].Proxy.Scheme)
	}

	svcs := cfg.Plan.Services
	var names []string
	for _, s := range svcs {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"whatsapp", "telegram", "matrix"}) {
		t.Fatalf("services = %v", names)
	}
	mx := svcs[2]
	if mx.Title != "Matrix" || mx.Short != "MX" {
		t.Errorf("matrix title/short = %q/%q", mx.Title, mx.Short)
	}
	wantTargets := []checks.Target{
		{Role: "chat", Kind: "tls", Addr: "matrix.example.org:443"},
		{Role: "chat", Kind: "tls", Addr: "1.2.3.4:443", SNI: "matrix.example.org"},
		{Role: "web", Kind: "https", Addr: "https://matrix.example.org/_matrix/client/versions", Expect: 200},
		{Role: "chat", Kind: "tcp", Addr: "matrix.example.org:8448"},
		{Role: "chat", Kind: "http_post", Addr: "149.154.167.51:80"},
	}
	if len(mx.Targets) != len(wantTargets) {
		t.Fatalf("matrix targets = %d, want %d", len(mx.Targets), len(wantTargets))
	}
	for i, w := range wantTargets {
		got := mx.Targets[i]
		if !trusts(got, matrix) || !trusts(got, extra) {
			t.Errorf("matrix target %d does not trust its own and the global anchors", i)
		}
		if trusts(got, office) {
			t.Errorf("matrix target %d trusts a route's anchor", i)
		}
		got.Anchors = nil
		if !reflect.DeepEqual(got, w) {
			t.Errorf("matrix target %d = %+v, want %+v", i, got, w)
		}
	}
	for _, tg := range svcs[0].Targets {
		if !trusts(tg, extra) || trusts(tg, matrix) {
			t.Errorf("whatsapp target %s: trust should be system + global anchors only", tg)
		}
	}
	if a, b := svcs[0].Targets[0], svcs[1].Targets[0]; a.RootCAs != nil || b.RootCAs != nil || !slices.EqualFunc(a.Anchors, b.Anchors, (*x509.Certificate).Equal) {
		t.Error("catalog services should trust the system roots plus the same anchors (the engine then builds one pool for both)")
	}
}

func TestParseDefaultsWhenSettingsMissing(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("routes: [{name: direct, direct: true}]\nservices: [signal]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Plan.Settings != checks.DefaultSettings {
		t.Errorf("settings = %+v, want defaults", cfg.Plan.Settings)
	}
	if !reflect.DeepEqual(cfg.Alerts, DefaultAlerts) {
		t.Errorf("alerts = %+v, want defaults", cfg.Alerts)
	}
	c := cfg.Plan.Routes[0].Control
	if c == nil || c.Addr != checks.DefaultControl || c.Kind != checks.KindHTTPS {
		t.Errorf("default control = %+v", c)
	}
	if cfg.Plan.Services[0].Title != "Signal" {
		t.Errorf("service = %+v", cfg.Plan.Services[0])
	}
}

func TestParseShortTimeoutClampsDefaultStep(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("timeout: 2s\nroutes: [{name: d, direct: true}]\nservices: [max]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Plan.Settings; s.StepTimeout != 2*time.Second {
		t.Errorf("step_timeout = %v, want it clamped to the 2s timeout", s.StepTimeout)
	}
}

func TestParseControlForms(t *testing.T) {
	cases := []struct {
		control string
		want    *checks.Target
	}{
		{`"none"`, nil},
		{`https://cp.cloudflare.com/generate_204`, &checks.Target{Role: "control", Kind: "https", Addr: "https://cp.cloudflare.com/generate_204"}},
		{`tls://ya.ru:443`, &checks.Target{Role: "control", Kind: "tls", Addr: "ya.ru:443"}},
		{`tcp://1.1.1.1:53`, &checks.Target{Role: "control", Kind: "tcp", Addr: "1.1.1.1:53"}},
		{`{tls: "1.1.1.1:443", sni: one.one.one.one}`, &checks.Target{Role: "control", Kind: "tls", Addr: "1.1.1.1:443", SNI: "one.one.one.one"}},
		{`{https: "https://ya.ru/", expect: 200}`, &checks.Target{Role: "control", Kind: "https", Addr: "https://ya.ru/", Expect: 200}},
		{`{tcp: "vk.com:443"}`, &checks.Target{Role: "control", Kind: "tcp", Addr: "vk.com:443"}},
	}
	for _, c := range cases {
		doc := "control: " + c.control + "\nroutes:\n  - {name: a, direct: true}\n  - {name: b, direct: true, control: tcp://9.9.9.9:53}\nservices: [max]\n"
		cfg, err := Parse("c.yaml", []byte(doc))
		if err != nil {
			t.Errorf("control %s: %v", c.control, err)
			continue
		}
		got := cfg.Plan.Routes[0].Control
		if c.want == nil {
			if got != nil {
				t.Errorf("control %s = %+v, want none", c.control, got)
			}
		} else if got == nil {
			t.Errorf("control %s = none", c.control)
		} else {
			g := *got
			g.Anchors = nil
			if !reflect.DeepEqual(g, *c.want) {
				t.Errorf("control %s = %+v, want %+v", c.control, g, *c.want)
			}
		}
		// The per-route override wins over any global form.
		if o := cfg.Plan.Routes[1].Control; o == nil || o.Kind != checks.KindTCP || o.Addr != "9.9.9.9:53" {
			t.Errorf("control %s: override = %+v", c.control, o)
		}
	}
}

func TestParseProxyForms(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		proxy, kind, host string
	}{
		{"socks5h://127.0.0.1:1080", checks.RouteSOCKS5, "127.0.0.1:1080"},
		{"SOCKS5://[::1]:1080", checks.RouteSOCKS5, "[::1]:1080"},
		{"http://proxy.example.net:3128/", checks.RouteHTTP, "proxy.example.net:3128"},
	}
	for _, c := range cases {
		doc := "routes: [{name: p, proxy: \"" + c.proxy + "\"}]\nservices: [max]\n"
		cfg, err := Parse(filepath.Join(dir, "c.yaml"), []byte(doc))
		if err != nil {
			t.Errorf("%s: %v", c.proxy, err)
			continue
		}
		r := cfg.Plan.Routes[0]
		if r.Kind != c.kind || r.Proxy.Host != c.host || r.Proxy.User != nil {
			t.Errorf("%s: kind %s host %s user %v", c.proxy, r.Kind, r.Proxy.Host, r.Proxy.User)
		}
	}
}

func TestParseInterfaceDNSDefaults(t *testing.T) {
	doc := "routes:\n  - {name: a, interface: wg0}\n  - {name: b, interface: tun0, dns: 10.8.0.1}\n  - {name: c, interface: tun1, dns: \"[fd00::1]:5353\"}\nservices: [max]\n"
	cfg, err := Parse("c.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cfg.Plan.Routes[0].DNS, cfg.Plan.Routes[1].DNS, cfg.Plan.Routes[2].DNS}
	want := []string{checks.DefaultInterfaceDNS, "10.8.0.1:53", "[fd00::1]:5353"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dns = %v, want %v", got, want)
	}
}

func TestParseProxyPasswordFromEnvIsEscaped(t *testing.T) {
	t.Setenv("PX_USER", "al ice")
	t.Setenv("PX_PASS", "p@ss:w/rd?#%")
	t.Setenv("PX_HOST", "proxy.example.net")
	doc := "routes: [{name: p, proxy: \"http://${PX_USER}:${PX_PASS}@${PX_HOST}:3128\"}]\nservices: [max]\n"
	cfg, err := Parse("c.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := cfg.Plan.Routes[0].Proxy
	pass, _ := u.User.Password()
	if u.User.Username() != "al ice" || pass != "p@ss:w/rd?#%" || u.Host != "proxy.example.net:3128" {
		t.Errorf("got user %q pass %q host %q", u.User.Username(), pass, u.Host)
	}
}

func TestParsePasswordFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "private.pass", "hunter2\r\n", 0o600)
	writeFile(t, dir, "shared.pass", "hunter3\n", 0o644)
	doc := `routes:
  - {name: a, proxy: "socks5://bob@127.0.0.1:1080", password_file: private.pass}
  - {name: b, proxy: "http://carol@127.0.0.1:3128", password_file: shared.pass}
services: [max]
`
	cfg, err := Parse(filepath.Join(dir, "c.yaml"), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"hunter2", "hunter3"} {
		if got, _ := cfg.Plan.Routes[i].Proxy.User.Password(); got != want {
			t.Errorf("route %d password = %q, want %q", i, got, want)
		}
	}
	if len(cfg.Notes) != 1 || !strings.Contains(cfg.Notes[0], "route b") || !strings.Contains(cfg.Notes[0], "chmod 600") {
		t.Errorf("notes = %q, want one warning about route b's shared password file", cfg.Notes)
	}
	if strings.Contains(strings.Join(cfg.Notes, "\n"), "hunter") {
		t.Errorf("a note leaks the password: %q", cfg.Notes)
	}
}

func TestParseHomeExpansion(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	writeFile(t, home, "p.pass", "s3\n", 0o600)
	ca := writeCA(t, home, "ca.pem")
	doc := "ca_files: [~/ca.pem]\nroutes: [{name: a, proxy: \"socks5://u@127.0.0.1:1\", password_file: ~/p.pass}]\nservices: [max]\n"
	cfg, err := Parse(filepath.Join(t.TempDir(), "c.yaml"), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if pass, _ := cfg.Plan.Routes[0].Proxy.User.Password(); pass != "s3" {
		t.Errorf("password = %q", pass)
	}
	if !trusts(cfg.Plan.Services[0].Targets[0], ca) {
		t.Error("~/ca.pem not trusted")
	}
}

func TestParseInlineServiceReplacesCatalog(t *testing.T) {
	doc := "routes: [{name: a, direct: true}]\nservices:\n  - name: telegram\n    targets: [{role: chat, http_post: \"127.0.0.1:80\"}]\n  - name: signal\n    targets: [{role: chat, https: \"https://chat.example.org/\"}]\n"
	cfg, err := Parse("c.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tg := cfg.Plan.Services[0]
	if tg.Title != "Telegram" || tg.Short != "TG" || len(tg.Targets) != 1 || tg.Targets[0].Addr != "127.0.0.1:80" {
		t.Errorf("telegram = %+v", tg)
	}
	if !trusts(cfg.Plan.Services[1].Targets[0], signalRoot()) {
		t.Error("an inline signal service should still trust Signal's root CA")
	}
}

// state: takes a directory relative to the config file, ~, or off; it is empty by default.
func TestParseStateDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := t.TempDir()
	base := "routes: [{name: direct, direct: true}]\nservices: [signal]\n"
	for doc, want := range map[string]string{
		base:                          "",
		"state: off\n" + base:         "off",
		"state: hist\n" + base:        filepath.Join(dir, "hist"),
		"state: ~/lifeline\n" + base:  filepath.Join(home, "lifeline"),
		"state: /var/lib/ll\n" + base: "/var/lib/ll",
	} {
		cfg, err := Parse(filepath.Join(dir, "c.yaml"), []byte(doc))
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if cfg.State != want {
			t.Errorf("%q: state %q, want %q", doc, cfg.State, want)
		}
	}
	if _, err := Parse("c.yaml", []byte("state: ''\n"+base)); err == nil || !strings.Contains(err.Error(), "state") {
		t.Errorf("empty state: %v", err)
	}
}
