package config

import (
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func TestCatalogShape(t *testing.T) {
	services := Catalog()
	var names []string
	for _, s := range services {
		names = append(names, s.Name)
	}
	want := []string{"whatsapp", "telegram", "signal", "max", "messenger", "discord", "viber",
		"instagram", "facebook", "youtube", "facetime", "push", "yandex", "vk"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("catalog = %v, want %v", names, want)
	}
	titles := map[string][2]string{
		"whatsapp": {"WhatsApp", "WA"}, "telegram": {"Telegram", "TG"}, "signal": {"Signal", "SIG"},
		"max": {"MAX", "MAX"}, "messenger": {"Messenger", "FB"}, "discord": {"Discord", "DC"}, "viber": {"Viber", "VB"},
		"instagram": {"Instagram", "IG"}, "facebook": {"Facebook", "FBK"}, "youtube": {"YouTube", "YT"},
		"facetime": {"FaceTime", "FT"}, "push": {"Push", "PUSH"}, "yandex": {"Yandex", "YA"}, "vk": {"VK", "VK"},
	}
	for _, s := range services {
		if got := [2]string{s.Title, s.Short}; got != titles[s.Name] {
			t.Errorf("%s title/short = %v, want %v", s.Name, got, titles[s.Name])
		}
		// A check stays a handful of connections in every sweep, rotation or not; transfer and
		// upload targets run every transfer.every, not every sweep.
		for sweep := uint64(1); sweep <= 40; sweep++ {
			due := 0
			for _, tg := range s.Targets {
				if tg.DueIn(sweep) && tg.Kind != checks.KindTransfer && tg.Kind != checks.KindUpload {
					due++
				}
			}
			if due < 2 || due > 8 {
				t.Errorf("%s probes %d targets in sweep %d; a check should stay a handful of connections", s.Name, due, sweep)
			}
		}
		for _, tg := range s.Targets {
			if tg.RootCAs != nil {
				t.Errorf("%s %s replaces the system roots instead of adding to them", s.Name, tg)
			}
			// Each built-in target must pass the same validation a config file gets.
			var problem string
			switch tg.Kind {
			case checks.KindHTTPS, checks.KindUpload:
				problem = checkHTTPSURL(tg.Addr)
			case checks.KindWebSocket:
				problem = checkWebSocketURL(tg.Addr)
			case checks.KindTransfer:
				problem = checkTransferAddr(tg.Addr)
			default:
				problem = checkHostPort(tg.Addr)
			}
			if tg.Find != "" && problem == "" {
				problem = checkFind(tg.Find)
			}
			if problem != "" || !slices.Contains(serviceRoles, tg.Role) || !slices.Contains(targetKinds, tg.Kind) {
				t.Errorf("%s target %+v is invalid: %s", s.Name, tg, problem)
			}
		}
	}
	// WhatsApp's chat servers speak Noise, not TLS, on both ports; Telegram's DCs are asked
	// for resPQ; nothing is proven by a bare connect or an arbitrary HTTP answer.
	for _, tg := range services[0].Targets {
		if tg.Role == checks.RoleChat && tg.Kind != checks.KindNoise {
			t.Errorf("whatsapp %s: chat servers must be probed with noise", tg)
		}
	}
	for _, tg := range services[1].Targets {
		if tg.Role == checks.RoleChat && tg.Kind != checks.KindMTProto && tg.Kind != checks.KindMTProtoHTTP {
			t.Errorf("telegram chat target %s should speak MTProto", tg)
		}
	}
}

// TestCatalogCoversOONIsLists: every endpoint of OONI's lists is in the catalog, and rotation
// reaches each within ten sweeps.
func TestCatalogCoversOONIsLists(t *testing.T) {
	want := map[string][]string{}
	for i := 1; i <= 16; i++ {
		for _, port := range []string{"443", "5222"} {
			want["whatsapp"] = append(want["whatsapp"], "noise e"+strconv.Itoa(i)+".whatsapp.net:"+port)
		}
	}
	for _, ip := range []string{"149.154.175.50", "149.154.167.51", "149.154.175.100", "149.154.167.91", "149.154.171.5", "95.161.76.100"} {
		for _, port := range []string{"80", "443"} {
			want["telegram"] = append(want["telegram"], "mtproto "+ip+":"+port, "mtproto_http "+ip+":"+port)
		}
	}
	for _, ip := range []string{"2001:b28:f23d:f001::a", "2001:67c:4e8:f002::a", "2001:b28:f23d:f003::a", "2001:67c:4e8:f004::a", "2001:b28:f23f:f005::a"} {
		for _, port := range []string{"80", "443"} {
			want["telegram"] = append(want["telegram"], "mtproto ["+ip+"]:"+port)
		}
	}
	want["signal"] = []string{"https://cdsi.signal.org/"}
	for _, host := range []string{"b-api.facebook.com", "b-graph.facebook.com", "edge-mqtt.facebook.com", "external.xx.fbcdn.net", "scontent.xx.fbcdn.net", "star.c10r.facebook.com"} {
		want["messenger"] = append(want["messenger"], "tls "+host+":443")
	}
	want["whatsapp"] = append(want["whatsapp"], "websocket wss://web.whatsapp.com/ws/chat")
	for _, s := range Catalog() {
		seen := map[string]bool{}
		for _, tg := range s.Targets {
			seen[tg.String()] = true
			covered := false
			for sweep := uint64(1); sweep <= 10; sweep++ {
				covered = covered || tg.DueIn(sweep)
			}
			if !covered {
				t.Errorf("%s %s is never probed in ten sweeps", s.Name, tg)
			}
		}
		for _, w := range want[s.Name] {
			if !seen[w] {
				t.Errorf("%s lacks %s", s.Name, w)
			}
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
