package config

import (
	"bufio"
	"net"
	"strconv"
	"strings"
)

// The proxy the system's own settings point at (Windows' Internet Settings, macOS' network
// preferences) is where circumvention tools that "set the system proxy" listen, often on a
// port of their own choosing. Discovery tries it with the well-known ports when it is local.

// systemProxy is one proxy from the system's settings.
type systemProxy struct {
	scheme string // "http" or "socks5"
	host   string
	port   int
}

// parseWindowsProxyServer reads Internet Settings' ProxyServer: "host:port" for every
// protocol, or "http=host:port;https=host:port;socks=host:port".
func parseWindowsProxyServer(v string) []systemProxy {
	var out []systemProxy
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		scheme := "http"
		if proto, addr, ok := strings.Cut(part, "="); ok {
			part = addr
			switch strings.ToLower(strings.TrimSpace(proto)) {
			case "http", "https":
			case "socks":
				scheme = "socks5"
			default:
				continue // ftp= and the like carry no messenger traffic
			}
		}
		part = strings.TrimPrefix(strings.TrimPrefix(part, "http://"), "socks://")
		host, portText, err := net.SplitHostPort(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if port, err := strconv.Atoi(portText); err == nil && port > 0 && port < 65536 {
			out = append(out, systemProxy{scheme: scheme, host: host, port: port})
		}
	}
	return out
}

// parseScutilProxy reads the dictionary `scutil --proxy` prints on macOS, e.g.
// "HTTPEnable : 1", "HTTPProxy : 127.0.0.1", "HTTPPort : 7890", and SOCKS… alike.
func parseScutilProxy(out string) []systemProxy {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " : ")
		if ok {
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	var found []systemProxy
	for _, p := range []struct{ prefix, scheme string }{{"HTTP", "http"}, {"HTTPS", "http"}, {"SOCKS", "socks5"}} {
		if kv[p.prefix+"Enable"] != "1" {
			continue
		}
		port, err := strconv.Atoi(kv[p.prefix+"Port"])
		if err != nil || port <= 0 || port > 65535 || kv[p.prefix+"Proxy"] == "" {
			continue
		}
		found = append(found, systemProxy{scheme: p.scheme, host: kv[p.prefix+"Proxy"], port: port})
	}
	return found
}

// withSystemProxies adds the local system proxies to known, once per port: a port already
// known keeps its name and tool.
func withSystemProxies(known []KnownProxy, found []systemProxy) []KnownProxy {
	out := append([]KnownProxy(nil), known...)
	have := map[int]bool{}
	for _, k := range known {
		have[k.Port] = true
	}
	for _, p := range found {
		if have[p.port] || !isLocalHost(p.host) {
			continue
		}
		have[p.port] = true
		name := "system-http"
		if p.scheme == "socks5" {
			name = "system-socks"
		}
		out = append(out, KnownProxy{Port: p.port, Name: name, Scheme: p.scheme, Tool: "the system proxy setting"})
	}
	return out
}

// isLocalHost: discovery tries proxies on 127.0.0.1 only.
func isLocalHost(host string) bool {
	return host == "localhost" || host == "127.0.0.1"
}
