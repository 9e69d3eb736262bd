package checks

import "time"

// Egress is where a route exits to the internet. IP and Country come from a remote echo and
// are sanitized.
type Egress struct {
	IP      string
	Country string // ISO code as the echo gives it, e.g. "NL"
	// Flags are plain-word warnings, e.g. "not tunnelling: exits from the direct route's address".
	Flags   []string
	Err     string // why the lookup failed, when it did
	Checked time.Time
}

// Summary is one line, e.g. "exit 203.0.113.5 (NL)" or "exit unknown: timed out".
func (e Egress) Summary() string {
	s := "exit unknown"
	switch {
	case e.IP != "":
		s = "exit " + e.IP
		if e.Country != "" {
			s += " (" + e.Country + ")"
		}
	case e.Err != "":
		s += ": " + e.Err
	case e.Checked.IsZero():
		s = ""
	}
	for _, f := range e.Flags {
		if s != "" {
			s += "; "
		}
		s += f
	}
	return Sanitize(s)
}

// NotTunnelling is the flag of a VPN or proxy route that exits where the direct route does.
const NotTunnelling = "not tunnelling: exits from the direct route's address"
