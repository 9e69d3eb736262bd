package config

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

var transferKeys = []string{"every", "bytes", "slow_below", "off"}

// maxTransferBytes bounds one transfer probe: enough to see throttling, never a download.
const maxTransferBytes = 64 << 20

// transferPlan reads the top-level transfer mapping: {every, bytes, slow_below, off}.
func (p *parser) transferPlan(f field) checks.TransferPlan {
	var t checks.TransferPlan
	fs := p.fields(f.value, "transfer", transferKeys...)
	if fs == nil {
		if p.err == nil {
			p.fail(valueOrKey(f), "transfer must be a mapping such as {every: 10m, bytes: 64KiB, slow_below: 1Mbit, off: false}")
		}
		return t
	}
	if v, ok := fs["every"]; ok {
		t.Every = p.durationAtLeast(v, "transfer.every", checks.MinTransferEvery,
			"each transfer moves data through every route")
	}
	if v, ok := fs["bytes"]; ok {
		t.Bytes = p.size(v, "transfer.bytes")
		if p.err == nil && t.Bytes < 1<<10 {
			p.fail(v.value, "transfer.bytes must be at least 1KiB to see a stall")
		}
		if p.err == nil && t.Bytes > maxTransferBytes {
			p.fail(v.value, "transfer.bytes must be at most 64MiB")
		}
	}
	if v, ok := fs["slow_below"]; ok {
		t.SlowBelow = p.bitRate(v, "transfer.slow_below")
	}
	if v, ok := fs["off"]; ok {
		t.Off = p.boolean(v, "transfer.off")
	}
	return t
}

// size reads a byte count: a whole number, or one with KB/MB (1000s) or KiB/MiB (1024s).
func (p *parser) size(f field, name string) int64 {
	whole, raw, isWhole := p.wholeOrText(f, name)
	if isWhole || p.err != nil {
		return int64(whole)
	}
	v, ok := scaled(raw, map[string]float64{"b": 1, "kb": 1e3, "mb": 1e6, "kib": 1 << 10, "mib": 1 << 20})
	if !ok {
		p.fail(p.unwrap(f.value), "%s: %q is not a size (e.g. 65536, 64KiB, 1MB)", name, clip(raw))
		return 0
	}
	return int64(v)
}

// bitRate reads bits per second: a whole number, or one with bit, kbit, Mbit or Gbit (an
// optional /s, or bps, kbps, Mbps, Gbps).
func (p *parser) bitRate(f field, name string) float64 {
	whole, raw, isWhole := p.wholeOrText(f, name)
	if isWhole || p.err != nil {
		return float64(whole)
	}
	raw = strings.TrimSuffix(strings.TrimSuffix(raw, "/s"), "ps")
	v, ok := scaled(raw, map[string]float64{"bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9})
	if !ok || v < 1 {
		p.fail(p.unwrap(f.value), "%s: %q is not a bit rate (e.g. 1Mbit, 500kbit, 1000000)", name, clip(raw))
		return 0
	}
	return v
}

// wholeOrText reads a quantity that is a whole number (at least 1), or else text with a unit:
// the number and true, or the trimmed text; p.err says whether the read failed.
func (p *parser) wholeOrText(f field, name string) (int, string, bool) {
	if _, ok := p.unwrap(f.value).(*ast.IntegerNode); ok {
		return p.integer(f, name, 1), "", true
	}
	return 0, strings.TrimSpace(p.text(f, name)), false
}

// scaled reads "<number><unit>" (space allowed, unit case-insensitive) into number×unit.
func scaled(raw string, units map[string]float64) (float64, bool) {
	i := strings.IndexFunc(raw, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return 0, false
	}
	num, err := strconv.ParseFloat(raw[:i], 64)
	unit, ok := units[strings.ToLower(strings.TrimSpace(raw[i:]))]
	if err != nil || !ok || num <= 0 || math.IsInf(num*unit, 0) || num*unit > math.MaxInt64/2 {
		return 0, false
	}
	return math.Round(num * unit), true
}

// checkTransferAddr says what is wrong with a transfer target, or "" when nothing is: an
// http(s):// URL, or tcp://host:port / tls://host:port of an echo server.
func checkTransferAddr(s string) string {
	switch {
	case strings.HasPrefix(s, "https://"):
		return checkHTTPSURL(s)
	case strings.HasPrefix(s, "http://"):
		return checkHTTPSURL("https://" + strings.TrimPrefix(s, "http://"))
	case strings.HasPrefix(s, "tcp://"), strings.HasPrefix(s, "tls://"):
		u, err := url.Parse(s)
		if err != nil || (u.Path != "" && u.Path != "/") || u.User != nil || u.RawQuery != "" {
			return "use tcp://host:port or tls://host:port for an echo server"
		}
		return checkHostPort(u.Host)
	}
	return "use an http:// or https:// URL, or tcp://host:port or tls://host:port of an echo server"
}
