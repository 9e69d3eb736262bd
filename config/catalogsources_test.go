package config

import (
	"net"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Where each built-in endpoint comes from. Every host and port the catalog probes must match
// a row; a new endpoint needs its source here (and in a comment beside it in the catalog).
const (
	srcOONIWhatsApp   = "OONI ts-018-whatsapp (ooni/spec); RESEARCH.md §1"
	srcOONITelegram   = "OONI ts-020-telegram (ooni/spec); Telegram Desktop's built-in DC list"
	srcOONISignal     = "OONI ts-029-signal (ooni/spec)"
	srcOONIMessenger  = "OONI ts-019-facebook-messenger (ooni/spec); ooni/probe-cli fbmessenger"
	srcMAX            = "RESEARCH.md §1 (web.max.ru, api.oneme.ru, ws-api.oneme.ru)"
	srcDiscord        = "Flowseal zapret-discord-youtube utils/targets.txt"
	srcViber          = "RESEARCH.md §1 (www.viber.com, api.viber.com)"
	srcCitizenLab     = "Citizen Lab test-lists global.csv; dpi-checkers webhost targets"
	srcV2flyIG        = "v2fly/domain-list-community data/instagram"
	srcV2flyFB        = "v2fly/domain-list-community data/facebook"
	srcGraphAPI       = "developers.facebook.com/docs/graph-api"
	srcFlowsealYT     = "Flowseal zapret-discord-youtube utils/targets.txt"
	srcAppleFaceTime  = "support.apple.com/HT202078 (FaceTime ports); support.apple.com/101555"
	srcApplePush      = "support.apple.com/HT203609 (TCP 5223); developer.apple.com Sending notification requests to APNs"
	srcFCM            = "firebase.google.com/docs/cloud-messaging/network-configuration"
	srcDomestic       = "dpi-checkers cidrwhitelist (ya.ru, vk.ru); RESEARCH.md §1 controls; dev.vk.com API requests"
	srcMetaSTUN       = "ooni/probe-cli fbmessenger (stun.fbsbx.com); Messenger app"
	srcCloudflareSTUN = "developers.cloudflare.com Realtime TURN/STUN (stun.cloudflare.com:3478)"
	srcGoogleSTUN     = "webrtc.github.io samples trickle-ice default (stun.l.google.com:19302)"
	srcSignalUpdates  = "updates.signal.org/android/latest.json (Signal's Android update manifest)"
)

// catalogSources maps host:port (path.Match patterns allowed) to its source.
var catalogSources = map[string]string{
	"e[0-9].whatsapp.net:443": srcOONIWhatsApp, "e1[0-6].whatsapp.net:443": srcOONIWhatsApp,
	"e[0-9].whatsapp.net:5222": srcOONIWhatsApp, "e1[0-6].whatsapp.net:5222": srcOONIWhatsApp,
	"g.whatsapp.net:5222": srcOONIWhatsApp, "v.whatsapp.net:443": srcOONIWhatsApp, "web.whatsapp.com:443": srcOONIWhatsApp,
	"149.154.175.50:*": srcOONITelegram, "149.154.167.51:*": srcOONITelegram, "149.154.175.100:*": srcOONITelegram,
	"149.154.167.91:*": srcOONITelegram, "149.154.171.5:*": srcOONITelegram, "95.161.76.100:*": srcOONITelegram,
	"[[]2001:b28:f23d:f001::a]:*": srcOONITelegram, "[[]2001:67c:4e8:f002::a]:*": srcOONITelegram,
	"[[]2001:b28:f23d:f003::a]:*": srcOONITelegram, "[[]2001:67c:4e8:f004::a]:*": srcOONITelegram,
	"[[]2001:b28:f23f:f005::a]:*": srcOONITelegram,
	"web.telegram.org:443":        srcOONITelegram,
	"chat.signal.org:443":         srcOONISignal, "storage.signal.org:443": srcOONISignal, "cdsi.signal.org:443": srcOONISignal,
	"sfu.voip.signal.org:443": srcOONISignal, "updates.signal.org:443": srcSignalUpdates,
	"api.oneme.ru:443": srcMAX, "ws-api.oneme.ru:443": srcMAX, "web.max.ru:443": srcMAX,
	"edge-mqtt.facebook.com:443": srcOONIMessenger, "b-api.facebook.com:443": srcOONIMessenger,
	"b-graph.facebook.com:443": srcOONIMessenger, "scontent.xx.fbcdn.net:443": srcOONIMessenger,
	"external.xx.fbcdn.net:443": srcOONIMessenger, "star.c10r.facebook.com:443": srcOONIMessenger,
	"gateway.discord.gg:443": srcDiscord, "discord.com:443": srcDiscord, "cdn.discordapp.com:443": srcDiscord,
	"api.viber.com:443": srcViber, "www.viber.com:443": srcViber,
	"www.instagram.com:443": srcCitizenLab, "i.instagram.com:443": srcV2flyIG, "static.cdninstagram.com:443": srcV2flyIG,
	"www.facebook.com:443": srcCitizenLab, "graph.facebook.com:443": srcGraphAPI, "static.xx.fbcdn.net:443": srcV2flyFB,
	"www.youtube.com:443": srcFlowsealYT, "i.ytimg.com:443": srcFlowsealYT, "redirector.googlevideo.com:443": srcFlowsealYT,
	"courier.push.apple.com:5223": srcApplePush, "api.push.apple.com:443": srcApplePush,
	"facetime.apple.com:443": srcAppleFaceTime,
	"mtalk.google.com:5228":  srcFCM, "mtalk.google.com:5229": srcFCM, "mtalk.google.com:5230": srcFCM, "mtalk.google.com:443": srcFCM,
	"ya.ru:443": srcDomestic, "yandex.ru:443": srcDomestic, "vk.com:443": srcDomestic, "vk.ru:443": srcDomestic, "api.vk.com:443": srcDomestic,
	"stun.fbsbx.com:3478": srcMetaSTUN, "stun.cloudflare.com:3478": srcCloudflareSTUN, "stun.l.google.com:19302": srcGoogleSTUN,
}

// targetHostPort is the host:port a target reaches (443 for an https URL without a port).
func targetHostPort(t *testing.T, tg checks.Target) string {
	t.Helper()
	if strings.Contains(tg.Addr, "://") {
		u, err := url.Parse(tg.Addr)
		if err != nil {
			t.Fatalf("%s: %v", tg, err)
		}
		port := u.Port()
		if port == "" {
			port = map[string]string{"https": "443", "http": "80", "wss": "443", "ws": "80"}[u.Scheme]
		}
		return net.JoinHostPort(u.Hostname(), port)
	}
	return tg.Addr
}

func TestEveryCatalogEndpointHasACitedSource(t *testing.T) {
	for _, s := range Catalog() {
		for _, tg := range s.Targets {
			hp := targetHostPort(t, tg)
			source := ""
			for pattern, src := range catalogSources {
				if ok, _ := path.Match(pattern, hp); ok {
					source = src
					break
				}
			}
			if source == "" {
				t.Errorf("%s %s: %s has no cited source in catalogSources", s.Name, tg, hp)
			}
		}
	}
}

// decidingRoles names, per built-in service, the role that carries what the service is for
// (chat, or its nearest equivalent): never calls, which a route may be unable to carry.
var decidingRoles = map[string]string{
	"whatsapp": checks.RoleChat, "telegram": checks.RoleChat, "signal": checks.RoleChat, "max": checks.RoleChat,
	"messenger": checks.RoleChat, "discord": checks.RoleChat, "viber": checks.RoleChat,
	"instagram": checks.RoleChat, "facebook": checks.RoleChat, "youtube": checks.RoleWeb,
	"facetime": checks.RoleChat, "push": checks.RoleFCM, "yandex": checks.RoleWeb, "vk": checks.RoleChat,
}

// Every service has a chat-like role that decides its verdict: with that role failing and
// everything else working the service is never ok, and a route without UDP (calls n/a) never
// hides it.
func TestEveryServiceHasADecidingRole(t *testing.T) {
	for _, s := range Catalog() {
		role, ok := decidingRoles[s.Name]
		if !ok || role == checks.RoleCalls {
			t.Errorf("%s: no deciding role in the table (calls cannot be one)", s.Name)
			continue
		}
		var results []checks.TargetResult
		found := false
		for _, tg := range s.Targets {
			r := checks.TargetResult{Target: tg, OK: true, Phases: checks.Phases{Connect: time.Millisecond}}
			switch {
			case tg.Role == role:
				found = true
				r = checks.TargetResult{Target: tg, Err: checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")}
			case tg.Kind == checks.KindSTUN:
				r = checks.TargetResult{Target: tg, Err: checks.NewError(checks.FailUDPUnsupported, checks.OpSTUN, "an HTTP proxy tunnels TCP only")}
			}
			results = append(results, r)
		}
		if !found {
			t.Errorf("%s has no %s target", s.Name, role)
			continue
		}
		v, _, reason, _ := checks.Judge(s, results, time.Minute)
		if v.Works() || v == checks.VerdictNA {
			t.Errorf("%s with its %s role failing: %s (%s), want partial or blocked", s.Name, role, v, reason)
		}
	}
}

// The defaults measure flow and calls on the services' own servers: the messengers and the
// media services get an upload and a found download (no transfer: key needed); every service
// with calls gets a STUN target; the embedded default adds push.
func TestDefaultFlowAndCallsChecks(t *testing.T) {
	services := map[string]checks.Service{}
	for _, s := range Catalog() {
		services[s.Name] = s
	}
	has := func(s checks.Service, kind, role string) bool {
		return slices.ContainsFunc(s.Targets, func(t checks.Target) bool { return t.Kind == kind && t.Role == role })
	}
	for _, name := range []string{"whatsapp", "telegram", "signal", "instagram", "facebook", "youtube"} {
		s := services[name]
		if !has(s, checks.KindUpload, checks.RoleMedia) || !has(s, checks.KindTransfer, checks.RoleMedia) {
			t.Errorf("%s lacks the default upload and download checks", name)
		}
		for _, tg := range s.Targets {
			if tg.Kind == checks.KindTransfer && tg.Find == "" {
				t.Errorf("%s %s: a built-in download must find its object at run time", name, tg)
			}
		}
	}
	for _, name := range []string{"whatsapp", "telegram", "signal", "messenger", "facetime"} {
		if !has(services[name], checks.KindSTUN, checks.RoleCalls) {
			t.Errorf("%s has calls but no STUN target", name)
		}
	}
	if !slices.Contains(DefaultServices, "push") || !slices.Contains(DefaultServices, "whatsapp") {
		t.Errorf("embedded default = %v, want the four messengers plus push", DefaultServices)
	}
	if p := services["push"]; !has(p, checks.KindTLS, checks.RoleFCM) || !has(p, checks.KindTLS, checks.RoleAPNs) {
		t.Error("push must check FCM and APNs, each as its own role")
	}
}

func TestConfigReadsUploadAndFind(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`routes: [{name: d, direct: true}]
services:
  - name: media
    targets:
      - {role: chat, tls: "chat.example.org:443"}
      - {role: media, upload: "https://media.example.org/"}
      - {role: media, transfer: "https://media.example.org/", find: '<script src="([^"]+)"'}
`))
	if err != nil {
		t.Fatal(err)
	}
	tg := cfg.Plan.Services[0].Targets
	if tg[1].Kind != checks.KindUpload || tg[2].Find == "" {
		t.Errorf("targets %+v", tg)
	}
	for _, bad := range []struct{ target, want string }{
		{`{role: media, upload: "http://media.example.org/"}`, "must be an https:// URL"},
		{`{role: media, transfer: "https://m.example.org/", find: "no group"}`, "needs a group"},
		{`{role: media, transfer: "https://m.example.org/", find: "(["}`, "not a regular expression"},
		{`{role: media, tls: "m.example.org:443", find: "(x)"}`, "find applies to http(s) transfer targets only"},
	} {
		_, err := Parse("c.yaml", []byte("routes: [{name: d, direct: true}]\nservices: [{name: m, targets: ["+bad.target+"]}]\n"))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v, want %q", bad.target, err, bad.want)
		}
	}
}
