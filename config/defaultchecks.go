package config

import (
	"slices"

	"github.com/lifeline-app/lifeline/checks"
)

// The default checks of flow and calls each built-in messenger gets on top of its
// reachability targets, so a freeze, a throttle or a calls block shows with no transfer: or
// stun: key and no server of the user's. They are measured on the services' own hosts.
//
// Freeze and throttle (RESEARCH.md §3): an upload of transfer.bytes in one HTTPS POST to the
// service's own web host, over verified TLS, waiting for the answer — the freeze applies
// upstream too (dpi-checkers, checkers/webhost.go, sends a 64 KB POST to the target host) —
// and a ranged download of transfer.bytes of an object the service itself publishes, found
// at run time on its web page or in its update manifest so that the default follows renamed
// files (Flowseal's zapret tester fetches a range of a CDN object and flags a cut between 14
// and 22 KB). Both run every transfer.every, never on metered routes, not at all with
// transfer.off.
//
// Calls: WhatsApp, Telegram and Signal learn their relays during call signalling, so no fixed
// media host can be tested; a public STUN server stands in for the media path (a Binding
// request and a 30-packet burst, as the stun probe does). Which one, and why:
//   - WhatsApp: stun.fbsbx.com:3478, Meta's own STUN server (OONI's Messenger test looks it
//     up; Meta's apps use it), on 3478 like WhatsApp's relays (RESEARCH.md §1).
//   - Telegram: stun.cloudflare.com:3478, a documented public STUN server
//     (developers.cloudflare.com, Realtime TURN/STUN) on the port the 2025 calls block drops;
//     Telegram's own reflectors (91.108.x.x, UDP 1400) are handed out per call.
//   - Signal: stun.l.google.com:19302, the STUN server of Google's WebRTC samples; Signal's
//     calls run over WebRTC (RingRTC) with relays its server hands out per call.
//   - Messenger: stun.fbsbx.com:3478 (OONI's facebook_messenger test).
//
// OONI's stunreachability list (ooni/probe-cli internal/stuninput/stuninput.go) is the vetted
// set these were checked against; none of its servers belongs to a messenger.
const (
	stunMeta       = "stun.fbsbx.com:3478"
	stunCloudflare = "stun.cloudflare.com:3478"
	stunGoogle     = "stun.l.google.com:19302"
	// signalManifest is Signal's Android update manifest; its "url" names the current APK.
	signalManifest = "https://updates.signal.org/android/latest.json"
	findJSONURL    = `"url"\s*:\s*"([^"]+)"`
)

var defaultChecks = map[string][]checks.Target{
	"whatsapp": {
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://web.whatsapp.com/"},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://web.whatsapp.com/", Find: checks.FindScript},
		{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: stunMeta},
	},
	"telegram": {
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://web.telegram.org/"},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://web.telegram.org/k/", Find: checks.FindScript},
		{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: stunCloudflare},
	},
	"signal": {
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: "https://chat.signal.org/"},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: signalManifest, Find: findJSONURL},
		{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: stunGoogle},
	},
	"messenger": {
		{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: stunMeta},
	},
}

// withDefaultChecks copies s with its default flow and calls checks appended.
func withDefaultChecks(s checks.Service) checks.Service {
	extra := defaultChecks[s.Name]
	if len(extra) == 0 {
		return s
	}
	s.Targets = append(slices.Clip(s.Targets), extra...)
	return s
}
