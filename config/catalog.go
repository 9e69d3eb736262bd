package config

import (
	"crypto/x509"
	"net"
	"slices"
	"strconv"

	"github.com/lifeline-app/lifeline/checks"
)

// The built-in services (RESEARCH.md §1). Every target asks for an answer only the service
// can give (a certificate, an MTProto resPQ, a Noise hello, a WebSocket 101); services with
// many endpoints rotate through them so one sweep stays a handful of connections while every
// endpoint is covered every few sweeps. https targets accept any status, as the services' own
// clients do.
var catalog = []checks.Service{
	{Name: "whatsapp", Title: "WhatsApp", Short: "WA", Targets: slices.Concat(
		whatsappChat(),
		[]checks.Target{
			{Role: checks.RoleRegister, Kind: checks.KindHTTPS, Addr: "https://v.whatsapp.net/v2/register"},
			// The gateway WhatsApp Web chats through: only WhatsApp's own server answers 101.
			{Role: checks.RoleWeb, Kind: checks.KindWebSocket, Addr: "wss://web.whatsapp.com/ws/chat", Origin: "https://web.whatsapp.com"},
		})},
	{Name: "telegram", Title: "Telegram", Short: "TG", Targets: slices.Concat(
		telegramDCs(),
		[]checks.Target{{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://web.telegram.org/"}})},
	{Name: "signal", Title: "Signal", Short: "SIG", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: "https://chat.signal.org/"},
		// Storage holds the account's profile, contacts and groups, and contact discovery
		// finds who else uses Signal: needed to register or restore, so they count with
		// registration rather than with chat.
		{Role: checks.RoleRegister, Kind: checks.KindHTTPS, Addr: "https://storage.signal.org/"},
		{Role: checks.RoleRegister, Kind: checks.KindHTTPS, Addr: "https://cdsi.signal.org/"},
		{Role: checks.RoleCalls, Kind: checks.KindHTTPS, Addr: "https://sfu.voip.signal.org/"},
	}},
	// MAX is domestic: Russia's mobile allowlists keep it reachable.
	{Name: "max", Title: "MAX", Short: "MAX", Domestic: true, Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "api.oneme.ru:443"},
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "ws-api.oneme.ru:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://web.max.ru/"},
	}},
	// OONI's facebook_messenger list, each endpoint TLS-verified.
	{Name: "messenger", Title: "Messenger", Short: "FB", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "edge-mqtt.facebook.com:443"},
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "b-api.facebook.com:443"},
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "b-graph.facebook.com:443"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "scontent.xx.fbcdn.net:443"},
		{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "external.xx.fbcdn.net:443"},
		// Facebook's front end (where www.facebook.com points); its certificate names
		// www.facebook.com, not the c10r name.
		{Role: checks.RoleWeb, Kind: checks.KindTLS, Addr: "star.c10r.facebook.com:443", SNI: "www.facebook.com"},
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
	{Name: "instagram", Title: "Instagram", Short: "IG", Targets: slices.Concat(
		[]checks.Target{
			{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "i.instagram.com:443"},
			{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.instagram.com/"},
			{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "static.cdninstagram.com:443"},
		},
		pageMedia("https://www.instagram.com/"))},
	// Facebook (blocked since March 2022); Messenger stays its own service. www.facebook.com:
	// Citizen Lab's global list, dpi-checkers; graph.facebook.com is the Graph API every app
	// calls (developers.facebook.com/docs/graph-api); static.xx.fbcdn.net the static CDN
	// (v2fly data/facebook: fbcdn.net; OONI's Messenger test uses *.xx.fbcdn.net).
	{Name: "facebook", Title: "Facebook", Short: "FBK", Targets: slices.Concat(
		[]checks.Target{
			{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "graph.facebook.com:443"},
			{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.facebook.com/"},
			{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "static.xx.fbcdn.net:443"},
		},
		pageMedia("https://www.facebook.com/"))},
	// YouTube (slowed since mid-2024, then dropped from the national DNS directory). The hosts
	// are those Russian testers check: Flowseal's zapret tester (utils/targets.txt:
	// www.youtube.com, i.ytimg.com, redirector.googlevideo.com) and dpi-checkers. The player
	// reaches its video hosts (rr*---sn-*.googlevideo.com) through redirector.googlevideo.com;
	// its /report_mapping page names the node serving this network. Throttling is what users
	// meet first, so the default transfer checks run here too.
	{Name: "youtube", Title: "YouTube", Short: "YT", Targets: slices.Concat(
		[]checks.Target{
			{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://www.youtube.com/"},
			{Role: checks.RoleMedia, Kind: checks.KindTLS, Addr: "i.ytimg.com:443"},
			{Role: checks.RoleMedia, Kind: checks.KindHTTPS, Addr: "https://redirector.googlevideo.com/report_mapping"},
		},
		pageMedia("https://www.youtube.com/"))},
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
	{Name: "yandex", Title: "Yandex", Short: "YA", Domestic: true, Targets: []checks.Target{
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://ya.ru/"},
		{Role: checks.RoleWeb, Kind: checks.KindTLS, Addr: "yandex.ru:443"},
	}},
	{Name: "vk", Title: "VK", Short: "VK", Domestic: true, Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "api.vk.com:443"},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://vk.com/"},
		{Role: checks.RoleWeb, Kind: checks.KindTLS, Addr: "vk.ru:443"},
	}},
}

// Telegram's data centres as Telegram Desktop has them built in (OONI's list), each on 80 and
// 443.
var (
	telegramIPv4 = []string{"149.154.175.50", "149.154.167.51", "149.154.175.100", "149.154.167.91", "149.154.171.5", "95.161.76.100"}
	telegramIPv6 = []string{"2001:b28:f23d:f001::a", "2001:67c:4e8:f002::a", "2001:b28:f23d:f003::a", "2001:67c:4e8:f004::a", "2001:b28:f23f:f005::a"}
	dcPorts      = []string{"443", "80"}
)

// telegramDCs are the chat targets: every IPv4 address:port over the obfuscated transport
// and over HTTP, and every IPv6 one over the obfuscated transport (not applicable where the
// route has no IPv6). A sweep asks two IPv4 pairs on each transport and one IPv6 pair, each
// pair's two transports in different sweeps: every pair is covered within ten sweeps.
func telegramDCs() []checks.Target {
	var v4, v6 []string
	for _, port := range dcPorts {
		for _, ip := range telegramIPv4 {
			v4 = append(v4, net.JoinHostPort(ip, port))
		}
		for _, ip := range telegramIPv6 {
			v6 = append(v6, net.JoinHostPort(ip, port))
		}
	}
	var out []checks.Target
	half := len(v4) / 2
	for i, addr := range v4 {
		out = append(out,
			checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: addr, Rotate: half, Slot: i % half},
			checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProtoHTTP, Addr: addr, Rotate: half, Slot: (i + half/2) % half})
	}
	for i, addr := range v6 {
		out = append(out, checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: addr, Rotate: len(v6), Slot: i})
	}
	return out
}

// whatsappChat is e1…e16.whatsapp.net on 443 and 5222 (OONI's list; both ports speak
// WhatsApp's Noise protocol). A sweep asks two hosts on both ports: every host is covered
// within eight sweeps. Chat works when any host answers.
func whatsappChat() []checks.Target {
	const hosts, perSweep = 16, 2
	var out []checks.Target
	for i := range hosts {
		host := "e" + strconv.Itoa(i+1) + ".whatsapp.net"
		for _, port := range []string{"443", "5222"} {
			out = append(out, checks.Target{Role: checks.RoleChat, Kind: checks.KindNoise, Addr: net.JoinHostPort(host, port),
				Rotate: hosts / perSweep, Slot: i % (hosts / perSweep)})
		}
	}
	return out
}

// pageMedia is the default media checks on a site's page: an upload to it, and a transfer of
// a script the page names, as the app's feed loads its media.
func pageMedia(page string) []checks.Target {
	return []checks.Target{
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: page},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: page, Find: checks.FindScript},
	}
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
// Signal root CA. The engine reads the system roots and builds the pool when a probe first
// needs it, so that loading a config costs no trust-store read.
func withTrust(s checks.Service, extra []*x509.Certificate) checks.Service {
	anchors := slices.Clip(extra)
	if s.Name == "signal" {
		anchors = append(anchors, signalRoot())
	}
	s.Targets = slices.Clone(s.Targets)
	for i := range s.Targets {
		s.Targets[i].Anchors = anchors
	}
	return s
}
