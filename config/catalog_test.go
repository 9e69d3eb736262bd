package config

import (
	"reflect"
	"slices"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func TestCatalogShape(t *testing.T) {
	services := Catalog()
	var names []string
	for _, s := range services {
		names = append(names, s.Name)
	}
	want := []string{"whatsapp", "telegram", "signal", "max", "messenger", "discord", "viber"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("catalog = %v, want %v", names, want)
	}
	titles := map[string][2]string{
		"whatsapp": {"WhatsApp", "WA"}, "telegram": {"Telegram", "TG"}, "signal": {"Signal", "SIG"},
		"max": {"MAX", "MAX"}, "messenger": {"Messenger", "FB"}, "discord": {"Discord", "DC"}, "viber": {"Viber", "VB"},
	}
	for _, s := range services {
		if got := [2]string{s.Title, s.Short}; got != titles[s.Name] {
			t.Errorf("%s title/short = %v, want %v", s.Name, got, titles[s.Name])
		}
		if n := len(s.Targets); n < 2 || n > 5 {
			t.Errorf("%s has %d targets; a check should stay a handful of connections", s.Name, n)
		}
		if !slices.ContainsFunc(s.Targets, func(t checks.Target) bool { return t.Role == checks.RoleChat }) {
			t.Errorf("%s has no chat target: its latency would be unknown", s.Name)
		}
		for _, tg := range s.Targets {
			if tg.RootCAs != nil {
				t.Errorf("%s %s replaces the system roots instead of adding to them", s.Name, tg)
			}
			// Each built-in target must pass the same validation a config file gets.
			var problem string
			if tg.Kind == checks.KindHTTPS {
				problem = checkHTTPSURL(tg.Addr)
			} else {
				problem = checkHostPort(tg.Addr)
			}
			if problem != "" || !slices.Contains(serviceRoles, tg.Role) || !slices.Contains(targetKinds, tg.Kind) {
				t.Errorf("%s target %+v is invalid: %s", s.Name, tg, problem)
			}
		}
	}
	// WhatsApp's 5222 is not TLS; Telegram's DCs speak plain HTTP.
	for _, tg := range services[0].Targets {
		if tg.Addr[len(tg.Addr)-5:] == ":5222" && tg.Kind != checks.KindTCP {
			t.Errorf("whatsapp %s: 5222 must be probed with tcp", tg)
		}
	}
	for _, tg := range services[1].Targets {
		if tg.Role == checks.RoleChat && tg.Kind != checks.KindHTTPPost {
			t.Errorf("telegram chat target %s should be http_post", tg)
		}
	}
}

func TestCatalogIsACopy(t *testing.T) {
	a := Catalog()
	a[0].Targets[0].Addr = "changed:1"
	a[0].Name = "changed"
	if b := Catalog(); b[0].Name != "whatsapp" || b[0].Targets[0].Addr == "changed:1" {
		t.Error("changing the returned catalog changed the built-in one")
	}
}

func TestSignalTargetsTrustSignalRoot(t *testing.T) {
	certs, err := parsePEMCerts(signalRootPEM)
	if err != nil || len(certs) != 1 {
		t.Fatalf("embedded Signal root: %v (%d certs)", err, len(certs))
	}
	root := certs[0]
	if root.Subject.CommonName != "Signal Messenger" {
		t.Errorf("embedded root is %q", root.Subject.CommonName)
	}
	var signal, whatsapp checks.Service
	for _, s := range Catalog() {
		switch s.Name {
		case "signal":
			signal = s
		case "whatsapp":
			whatsapp = s
		}
	}
	for _, tg := range signal.Targets {
		if !trusts(tg, root) {
			t.Errorf("signal %s does not trust Signal's root", tg)
		}
	}
	// Only Signal's targets trust it: the root must not widen trust elsewhere.
	for _, tg := range whatsapp.Targets {
		if trusts(tg, root) {
			t.Errorf("whatsapp %s trusts Signal's private root", tg)
		}
	}
	// A config's global anchors add to Signal's trust rather than replacing it.
	dir := t.TempDir()
	extra := writeCA(t, dir, "extra.pem")
	cfg, err := Parse(dir+"/c.yaml", []byte("ca_files: [extra.pem]\nroutes: [{name: d, direct: true}]\nservices: [signal]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range cfg.Plan.Services[0].Targets {
		if !trusts(tg, root) || !trusts(tg, extra) {
			t.Errorf("signal %s with ca_files should trust both Signal's root and the extra anchor", tg)
		}
	}
}
