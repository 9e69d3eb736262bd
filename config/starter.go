package config

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// starterRoutesAt is the line after which the starter lists routes beyond direct.
const starterRoutesAt = "  - name: direct\n    direct: true\n"

// StarterWith is the starter config with the routes discovery found (Discover's routes and
// notes, one note per route) written in after the direct route, so `config init` keeps what
// the embedded default would have checked. Each says how it was found; what discovery can
// only guess (the resolver behind a VPN interface) is written as a comment to confirm.
func StarterWith(found []checks.RouteSpec, notes []string) []byte {
	if len(found) == 0 {
		return Starter()
	}
	var b strings.Builder
	b.WriteString("  # Found on this machine when this file was written:\n")
	for i, r := range found {
		note := ""
		if i < len(notes) {
			note = checks.Sanitize(notes[i])
		}
		fmt.Fprintf(&b, "  # %s\n  - name: %s\n", note, yamlString(r.Name))
		switch {
		case r.Kind == checks.RouteInterface:
			fmt.Fprintf(&b, "    interface: %s\n", yamlString(r.Interface))
			fmt.Fprintf(&b, "    # dns: %s   # unsure: names go to this resolver through the tunnel; your VPN's own is better\n", checks.DefaultInterfaceDNS)
		case r.Proxy != nil:
			u := *r.Proxy
			u.User = nil
			fmt.Fprintf(&b, "    proxy: %s\n", yamlString(u.String()))
		}
	}
	out := bytes.Replace(Starter(), []byte(starterRoutesAt), []byte(starterRoutesAt+b.String()), 1)
	return out
}

// yamlString quotes s for YAML.
func yamlString(s string) string { return fmt.Sprintf("%q", s) }
