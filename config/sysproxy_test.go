package config

import (
	"reflect"
	"testing"
)

func TestParseWindowsProxyServer(t *testing.T) {
	cases := map[string][]systemProxy{
		"127.0.0.1:7890": {{"http", "127.0.0.1", 7890}},
		"http=127.0.0.1:10809;https=127.0.0.1:10809;socks=127.0.0.1:10808": {
			{"http", "127.0.0.1", 10809}, {"http", "127.0.0.1", 10809}, {"socks5", "127.0.0.1", 10808}},
		"ftp=127.0.0.1:21;socks=localhost:1089": {{"socks5", "localhost", 1089}},
		"http://127.0.0.1:8888":                 {{"http", "127.0.0.1", 8888}},
		"":                                      nil,
		"proxy.corp":                            nil,
		"127.0.0.1:99999":                       nil,
	}
	for in, want := range cases {
		if got := parseWindowsProxyServer(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %+v, want %+v", in, got, want)
		}
	}
}

func TestParseScutilProxy(t *testing.T) {
	out := `<dictionary> {
  ExceptionsList : <array> {
    0 : 127.0.0.1
    1 : localhost
  }
  FTPPassive : 1
  HTTPEnable : 1
  HTTPPort : 7890
  HTTPProxy : 127.0.0.1
  HTTPSEnable : 1
  HTTPSPort : 7890
  HTTPSProxy : 127.0.0.1
  SOCKSEnable : 1
  SOCKSPort : 7891
  SOCKSProxy : 127.0.0.1
}
`
	want := []systemProxy{{"http", "127.0.0.1", 7890}, {"http", "127.0.0.1", 7890}, {"socks5", "127.0.0.1", 7891}}
	if got := parseScutilProxy(out); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := parseScutilProxy("<dictionary> {\n  HTTPEnable : 0\n  HTTPPort : 8080\n  HTTPProxy : 127.0.0.1\n}\n"); got != nil {
		t.Errorf("a disabled proxy counts: %+v", got)
	}
}

func TestSystemProxiesJoinTheWellKnownPortsOnce(t *testing.T) {
	known := []KnownProxy{{7890, "clash", "http", "Clash/mihomo mixed port"}}
	got := withSystemProxies(known, []systemProxy{
		{"http", "127.0.0.1", 7890},    // already known: keeps its name
		{"socks5", "127.0.0.1", 24000}, // a port of the tool's own choosing
		{"http", "localhost", 24000},   // the same port twice
		{"http", "proxy.corp", 3128},   // not local: not discovery's business
		{"http", "192.168.1.1", 3128},  // not local either
	})
	want := []KnownProxy{known[0], {24000, "system-socks", "socks5", "the system proxy setting"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if len(KnownProxies) == 0 || KnownProxies[0].Name != "tor" {
		t.Error("KnownProxies changed")
	}
}
