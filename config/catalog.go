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
}

// DefaultServices are checked when no configuration names any.
var DefaultServices = []string{"whatsapp", "telegram", "signal", "max"}

// Catalog returns the built-in services, in catalog order, with their trust stores set (system
// roots; Signal's also trust Signal's root CA). The result is the caller's to modify.
func Catalog() []checks.Service {
	out := make([]checks.Service, 0, len(catalog))
	for _, s := range catalog {
		out = append(out, withTrust(s, nil))
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
	return withTrust(catalog[i], extra), true
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
