package checks

import (
	"fmt"
	"time"
)

// TransferStats is what a transfer probe measured.
type TransferStats struct {
	Wanted  int64         // bytes the probe meant to move
	Bytes   int64         // bytes that arrived (body, or echoed back)
	Stalled bool          // progress stopped for the stall window before Wanted arrived
	Goodput float64       // bits per second after the first byte; 0 when not measured
	TTFB    time.Duration // from the connection being ready (request or first write) to the first byte back
	// CarriedOver marks a result reused from an earlier sweep because transfers run less
	// often than reachability checks; Age is how old it is.
	CarriedOver bool
	Age         time.Duration
	// Upload marks a transfer that sent its bytes (an upload probe) rather than fetched them.
	Upload bool
	// Tries is how many times the probe ran in this check (a stall is confirmed by trying
	// again) and Stalls how many of them stalled; 0 when it ran once.
	Tries, Stalls int
	// Object is the URL a transfer found on the service's page or manifest, sanitized; ""
	// when it fetched its own address.
	Object string
}

// Summary is the one-line measurement, e.g. "64 KB of 64 KB at 1.7 Mbit/s, first byte 12ms"
// or "stalled after 17 KB of 64 KB".
func (s TransferStats) Summary() string {
	var out string
	switch {
	case s.Stalled:
		out = fmt.Sprintf("stalled after %s of %s", FormatBytes(s.Bytes), FormatBytes(s.Wanted))
	case s.Goodput > 0:
		out = fmt.Sprintf("%s of %s at %s", FormatBytes(s.Bytes), FormatBytes(s.Wanted), FormatRate(s.Goodput))
	default:
		out = fmt.Sprintf("%s of %s", FormatBytes(s.Bytes), FormatBytes(s.Wanted))
	}
	if s.Upload {
		out = "sent " + out
	}
	if s.TTFB > 0 {
		out += ", first byte " + ShortDuration(s.TTFB)
	}
	if s.Tries > 1 {
		out += fmt.Sprintf(", stalled in %d of %d tries", s.Stalls, s.Tries)
	}
	if s.CarriedOver {
		out += ", carried over from " + shortAge(s.Age) + " ago"
	}
	return out
}

// FormatBytes writes a byte count in binary units, as config sizes are written: "512 bytes",
// "17 KB" (17000 bytes), "64 KB" (64 KiB), "1.5 MB".
func FormatBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// FormatRate writes bits per second: "950 bit/s", "140 kbit/s", "1.7 Mbit/s".
func FormatRate(bps float64) string {
	switch {
	case bps < 1000:
		return fmt.Sprintf("%.0f bit/s", bps)
	case bps < 1e6:
		return fmt.Sprintf("%.0f kbit/s", bps/1e3)
	case bps < 1e9:
		return fmt.Sprintf("%.1f Mbit/s", bps/1e6)
	}
	return fmt.Sprintf("%.1f Gbit/s", bps/1e9)
}

func shortAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh", int(d.Hours()))
}
