package checks

import (
	"fmt"
	"math"
	"time"
)

// UDPStats is what a STUN probe measured.
type UDPStats struct {
	Mapped   string        // the XOR-MAPPED-ADDRESS the server saw (our public address), sanitized
	Sent     int           // burst packets sent
	Received int           // burst answers received
	RTT      time.Duration // median round trip of the burst (or of the first Binding)
	// CutAfter, when non-zero, is how many packets the flow carried (first Binding included)
	// before every later one was lost: a count-based cut-off rather than random loss.
	CutAfter int
}

// Loss is the fraction of burst packets that got no answer.
func (u UDPStats) Loss() float64 {
	if u.Sent == 0 {
		return 0
	}
	return float64(u.Sent-u.Received) / float64(u.Sent)
}

// Summary is the one-line measurement, e.g. "loss 0% of 30, rtt 41ms, mapped 203.0.113.5:4711".
func (u UDPStats) Summary() string {
	s := fmt.Sprintf("loss %.0f%% of %d, rtt %s", math.Round(u.Loss()*100), u.Sent, ShortDuration(u.RTT))
	if u.CutAfter > 0 {
		s += fmt.Sprintf(", cut after %d packets", u.CutAfter)
	}
	if u.Mapped != "" {
		s += ", mapped " + u.Mapped
	}
	return s
}
