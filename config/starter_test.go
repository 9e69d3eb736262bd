package config

import (
	"net/url"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// `config init` must not drop what the embedded default found: the file it writes checks the
// same routes, says how each was found, leaves guesses commented, and never a password.
func TestStarterKeepsDiscoveredRoutes(t *testing.T) {
	found := []checks.RouteSpec{
		{Name: "wg", Kind: checks.RouteInterface, Interface: "wg0", DNS: checks.DefaultInterfaceDNS},
		{Name: "tor", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: "127.0.0.1:9050", User: url.UserPassword("u", "hunter2")}},
	}
	notes := []string{"wg: interface wg0 (WireGuard)", "tor: socks5 127.0.0.1:9050 (Tor)"}
	data := StarterWith(found, notes)
	cfg, err := Parse("config.yaml", data)
	if err != nil {
		t.Fatalf("the written starter does not parse: %v\n%s", err, data)
	}
	var names []string
	for _, r := range cfg.Plan.Routes {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, ","); got != "direct,wg,tor" {
		t.Errorf("routes = %s, want direct,wg,tor\n%s", got, data)
	}
	text := string(data)
	for _, want := range []string{"# tor: socks5 127.0.0.1:9050 (Tor)", "# wg: interface wg0 (WireGuard)", "    # dns: 1.1.1.1:53"} {
		if !strings.Contains(text, want) {
			t.Errorf("starter lacks %q", want)
		}
	}
	if strings.Contains(text, "hunter2") {
		t.Error("a password reached the starter")
	}
	if string(StarterWith(nil, nil)) != string(Starter()) {
		t.Error("with nothing found the starter changed")
	}
}
