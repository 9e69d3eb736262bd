package checks

import "time"

// ExtraChecks switch on the checks beyond reachability that cost a request of their own.
// The zero value switches them off, so a bare Plan never contacts a public resolver or echo;
// the config turns them on with DefaultDNSCompare and DefaultEgressURL.
type ExtraChecks struct {
	// DNSCompare is the resolver (host:port, asked over TCP through another route) that the
	// direct route's answers are compared with; "" or "off" disables the comparison.
	DNSCompare string
	// EgressURL is fetched through each route to learn its exit address; "" or EgressOff
	// disables it. EgressEvery is how often (0: DefaultEgressEvery).
	EgressURL   string
	EgressOff   bool
	EgressEvery time.Duration
}

// DefaultDomestic are the domestic references of the allowlist detection: MAX, Yandex and
// VK, which Russia's mobile allowlists keep reachable (RESEARCH.md §1, §3).
var DefaultDomestic = []string{"https://web.max.ru/", "https://ya.ru/", "https://vk.com/"}
