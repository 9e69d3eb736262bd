package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// TestParseMessengerProbeKinds: every probe kind the catalog uses can point at a user's own
// server from a config file.
func TestParseMessengerProbeKinds(t *testing.T) {
	doc := okRoutes + `services:
  - name: lab
    targets:
      - {role: chat, mtproto: "203.0.113.10:443"}
      - {role: chat, mtproto_http: "203.0.113.10:80"}
      - {role: chat, noise: "chat.example.org:5222"}
      - {role: web, websocket: "wss://gw.example.org/ws/chat", origin: "https://web.example.org"}
`
	cfg, err := Parse("c.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Plan.Services[0].Targets
	want := []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: "203.0.113.10:443"},
		{Role: checks.RoleChat, Kind: checks.KindMTProtoHTTP, Addr: "203.0.113.10:80"},
		{Role: checks.RoleChat, Kind: checks.KindNoise, Addr: "chat.example.org:5222"},
		{Role: checks.RoleWeb, Kind: checks.KindWebSocket, Addr: "wss://gw.example.org/ws/chat", Origin: "https://web.example.org"},
	}
	if len(got) != len(want) {
		t.Fatalf("targets %+v", got)
	}
	for i := range want {
		g := got[i]
		g.Anchors = nil
		if !reflect.DeepEqual(g, want[i]) {
			t.Errorf("target %d = %+v, want %+v", i, g, want[i])
		}
	}
	if got[3].Host() != "gw.example.org" {
		t.Errorf("websocket host = %q", got[3].Host())
	}
}

func TestParseMessengerProbeKindErrors(t *testing.T) {
	target := func(body string) string {
		return okRoutes + "services:\n  - name: m\n    targets:\n      - " + body + "\n"
	}
	cases := []struct{ name, doc, msg string }{
		{"mtproto without port", target(`{role: chat, mtproto: "203.0.113.10"}`), "is not host:port"},
		{"noise with a URL", target(`{role: chat, noise: "https://e1.whatsapp.net/"}`), "noise:"},
		{"websocket over https", target(`{role: web, websocket: "https://web.whatsapp.com/ws/chat"}`), "must be a wss:// URL"},
		{"websocket with userinfo", target(`{role: web, websocket: "wss://u:p@web.whatsapp.com/ws/chat"}`), "must not carry"},
		{"origin on tls", target(`{role: chat, tls: "a.b:443", origin: "https://a.b"}`), "origin applies to websocket targets only"},
		{"origin with a path", target(`{role: web, websocket: "wss://a.b/ws", origin: "https://a.b/x"}`), "is not an origin"},
	}
	for _, c := range cases {
		_, err := Parse("c.yaml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.msg)
		}
		if err != nil && strings.Contains(err.Error(), "u:p@") {
			t.Errorf("%s: the error repeats the credentials: %v", c.name, err)
		}
	}
}
