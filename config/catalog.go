package config

import (
	"crypto/x509"
	"slices"

	"github.com/lifeline-app/lifeline/checks"
)

// The built-in services (RESEARCH.md §1). Each is a handful of targets so one check is a
// handful of connections; https targets accept any status, as the services' own clients do.
var catalog = []checks.Service{
	{Name: "whatsapp", Title: "WhatsApp", Short: "WA", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "e1.whatsapp.net:443"},
		// 5222 speaks WhatsApp's own Noise protocol, not TLS: a connect is what can be tested.
		{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "g.whatsapp.net:5222"},
		{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "e2.whatsapp.net:5222"},
		{Role: checks.RoleRegister, Kind: checks.KindHTTPS, Addr: "https://v.whatsapp.net/v2/register"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://web.whatsapp.com/"},
	}},
	{Name: "telegram", Title: "Telegram", Short: "TG", Targets: []checks.Target{
		// Telegram's data centres answer plain HTTP even on 443.
		{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: "149.154.167.51:443"},
		{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: "149.154.175.50:443"},
		{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: "149.154.175.100:80"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://web.telegram.org/"},
	}},
	{Name: "signal", Title: "Signal", Short: "SIG", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: "https://chat.signal.org/"},
		// Storage holds the account's profile, contacts and groups: needed to register or
		// restore, so it counts with registration rather than with chat.
		{Role: checks.RoleRegister, Kind: checks.KindHTTPS, Addr: "https://storage.signal.org/"},
		{Role: checks.RoleCalls, Kind: checks.KindHTTPS, Addr: "https://sfu.voip.signal.org/"},
	}},
	{Name: "max", Title: "MAX", Short: "MAX", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "api.oneme.ru:443"},
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "ws-api.oneme.ru:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://web.max.ru/"},
	}},
	{Name: "messenger", Title: "Messenger", Short: "FB", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "edge-mqtt.facebook.com:443"},
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "b-api.facebook.com:443"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "scontent.xx.fbcdn.net:443"},
	}},
	{Name: "discord", Title: "Discord", Short: "DC", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "gateway.discord.gg:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://discord.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "cdn.discordapp.com:443"},
	}},
	{Name: "viber", Title: "Viber", Short: "VB", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "api.viber.com:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.viber.com/"},
	}},

	// Instagram (blocked in Russia since March 2022). www.instagram.com: Citizen Lab's global
	// test list (the list OONI's web test reads) and dpi-checkers' webhost targets;
	// i.instagram.com is the host the mobile app's API answers on and static.cdninstagram.com
	// its static CDN (v2fly/domain-list-community data/instagram: instagram.com,
	// cdninstagram.com). The app's feed is media, so the default freeze check runs here.
	{Name: "instagram", Title: "Instagram", Short: "IG", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "i.instagram.com:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.instagram.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "static.cdninstagram.com:443"},
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://www.instagram.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://www.instagram.com/", Find: checks.FindScript},
	}},
	// Facebook (blocked since March 2022); Messenger stays its own service. www.facebook.com:
	// Citizen Lab's global list, dpi-checkers; graph.facebook.com is the Graph API every app
	// calls (developers.facebook.com/docs/graph-api); static.xx.fbcdn.net the static CDN
	// (v2fly data/facebook: fbcdn.net; OONI's Messenger test uses *.xx.fbcdn.net).
	{Name: "facebook", Title: "Facebook", Short: "FBK", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "graph.facebook.com:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.facebook.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "static.xx.fbcdn.net:443"},
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://www.facebook.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://www.facebook.com/", Find: checks.FindScript},
	}},
	// YouTube (slowed since mid-2024, then dropped from the national DNS directory). The hosts
	// are those Russian testers check: Flowseal's zapret tester (utils/targets.txt:
	// www.youtube.com, i.ytimg.com, redirector.googlevideo.com) and dpi-checkers. The player
	// reaches its video hosts (rr*---sn-*.googlevideo.com) through redirector.googlevideo.com;
	// its /report_mapping page names the node serving this network. Throttling is what users
	// meet first, so the default transfer checks run here too.
	{Name: "youtube", Title: "YouTube", Short: "YT", Targets: []checks.Target{
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.youtube.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "i.ytimg.com:443"},
		{Role: checks.RoleMedia, Kind: checks.KindHTTPS, Addr: "https://redirector.googlevideo.com/report_mapping"},
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://www.youtube.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://www.youtube.com/", Find: checks.FindScript},
	}},
	// FaceTime (blocked in Russia in December 2024). Apple's "If you use FaceTime and iMessage
	// behind a firewall" (support.apple.com/HT202078) lists TCP 80, 443, 5223 and UDP
	// 3478–3497, 16384–16387, 16393–16402. Call setup rides the Apple push connection
	// (*.push.apple.com on 5223, "Use Apple products on enterprise networks",
	// support.apple.com/101555); FaceTime links open at facetime.apple.com. Apple names no
	// public media host: relays are learned during call setup, so a public STUN server on 3478,
	// inside FaceTime's media range and the range the calls block drops, stands in (see
	// defaultchecks.go).
	{Name: "facetime", Title: "FaceTime", Short: "FT", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "courier.push.apple.com:5223"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://facetime.apple.com/"},
		{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: stunCloudflare},
	}},
	// Push channels every messenger needs to ring: a messenger that connects but never rings
	// is broken for its user. FCM: "Configure your network for FCM"
	// (firebase.google.com/docs/cloud-messaging/network-configuration): mtalk.google.com on TCP
	// 5228, with 5229, 5230 and 443 as fallbacks; the connection is TLS. APNs: providers reach
	// api.push.apple.com on 443 (developer.apple.com, "Sending notification requests to
	// APNs"); devices hold TCP 5223 to *.push.apple.com ("If your Apple devices aren't getting
	// Apple push notifications", support.apple.com/HT203609; 101555).
	{Name: "push", Title: "Push", Short: "PUSH", Targets: []checks.Target{
		{Role: checks.RoleFCM, Kind: checks.KindTLS, Addr: "mtalk.google.com:5228"},
		{Role: checks.RoleFCM, Kind: checks.KindTLS, Addr: "mtalk.google.com:443"},
		{Role: checks.RoleAPNs, Kind: checks.KindTLS, Addr: "api.push.apple.com:443"},
		{Role: checks.RoleAPNs, Kind: checks.KindTCP, Addr: "courier.push.apple.com:5223"},
	}},
	// Domestic references, for telling Russia's allowlist regime (only allowlisted, mostly
	// domestic, destinations pass) from a blocked service: dpi-checkers' cidrwhitelist checker
	// uses ya.ru and vk.ru as its allowlisted probes; RESEARCH.md's domestic controls are
	// ya.ru and vk.com. api.vk.com is VK's API host (dev.vk.com, "API requests").
	{Name: "yandex", Title: "Yandex", Short: "YA", Targets: []checks.Target{
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://ya.ru/"},
		{Role: checks.RoleWeb, Kind: checks.KindTLS, Addr: "yandex.ru:443"},
	}},
	{Name: "vk", Title: "VK", Short: "VK", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "api.vk.com:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://vk.com/"},
		{Role: checks.RoleWeb, Kind: checks.KindTLS, Addr: "vk.ru:443"},
	}},
}

// DefaultServices are checked when no configuration names any: the four messengers and the
// push channels they ring through.
var DefaultServices = []string{"whatsapp", "telegram", "signal", "max", "push"}

// Catalog returns the built-in services, in catalog order, with their trust stores set (system
// roots; Signal's also trust Signal's root CA). The result is the caller's to modify.
func Catalog() []checks.Service {
	out := make([]checks.Service, 0, len(catalog))
	for _, s := range catalog {
		out = append(out, withTrust(withDefaultChecks(s), nil))
	}
	return out
}

// catalogNames lists the built-in service names, for messages.
func catalogNames() []string {
	names := make([]string, 0, len(catalog))
	for _, s := range catalog {
		names = append(names, s.Name)
	}
	return names
}

// catalogService returns a copy of the named built-in service with extra trust anchors.
func catalogService(name string, extra []*x509.Certificate) (checks.Service, bool) {
	i := slices.IndexFunc(catalog, func(s checks.Service) bool { return s.Name == name })
	if i < 0 {
		return checks.Service{}, false
	}
	return withTrust(withDefaultChecks(catalog[i]), extra), true
}

// withTrust copies s with every target trusting the system roots, extra, and, for Signal, the
// Signal root CA.
func withTrust(s checks.Service, extra []*x509.Certificate) checks.Service {
	anchors := slices.Clip(extra)
	if s.Name == "signal" {
		anchors = append(anchors, signalRoot())
	}
	pool := trustPool(anchors)
	s.Targets = slices.Clone(s.Targets)
	for i := range s.Targets {
		s.Targets[i].RootCAs = pool
	}
	return s
}
