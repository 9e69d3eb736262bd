package config

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// FuzzProxyURL: whatever a route's proxy value holds, Parse either accepts a proxy that can
// be dialled (socks5 or http, a host, a port from 1 to 65535, nothing after it) or says why
// in a placed *Error that never repeats the URL's password; it never panics.
func FuzzProxyURL(f *testing.F) {
	for _, seed := range []string{
		"socks5://127.0.0.1:1080",
		"socks5h://user:pass@proxy.example.net:1080",
		"http://alice:${LL_FUZZ_PASS}@[::1]:3128",
		"HTTP://u:p%40ss@h:8080/",
		"socks5://u:p@h:0",
		"socks5://u:Pw9xQ7z@h:0",
		"http://Pw9xQ7z@h:1",
		"socks5://u:p@h:65536",
		"socks5://u@h",
		"ftp://h:21",
		"http://u:p@h:1/path?q#f",
		"socks5://[fe80::1%25eth0]:1080",
		"socks5://${LL_FUZZ_UNSET}@h:1",
		"http://h h:1",
		"//h:1",
		"socks5:h:1",
		"http://u:${LL_FUZZ_PASS@h:1",
	} {
		f.Add(seed)
	}
	f.Setenv("LL_FUZZ_PASS", "fuzz:p@ss/word")
	f.Fuzz(func(t *testing.T, proxy string) {
		quoted, err := json.Marshal(proxy) // JSON strings are YAML double-quoted scalars
		if err != nil {
			t.Skip()
		}
		doc := "control: none\nroutes:\n  - name: p\n    proxy: " + string(quoted) + "\nservices: [max]\n"
		cfg, err := Parse("fuzz.yaml", []byte(doc))
		if err != nil {
			var cerr *Error
			if !errors.As(err, &cerr) || cerr.Line < 1 || cerr.Msg == "" {
				t.Fatalf("error %q (%T) is not a placed *Error", err, err)
			}
			// Variable names are the user's own public text; errors may name them.
			if pass := literalPassword(proxy); distinctive(pass) && strings.Contains(without(err.Error(), refNames(proxy)...), pass) {
				t.Fatalf("error %q repeats the password %q", err, pass)
			}
			return
		}
		r := cfg.Plan.Routes[0]
		u := r.Proxy
		if (r.Kind != checks.RouteSOCKS5 && r.Kind != checks.RouteHTTP) || u == nil || u.Hostname() == "" {
			t.Fatalf("accepted %q as %+v", proxy, r)
		}
		if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
			t.Fatalf("accepted %q with port %q", proxy, u.Port())
		}
		if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			t.Fatalf("accepted %q with more than scheme://userinfo@host:port: %#v", proxy, u)
		}
		if ep := r.Endpoint(); strings.Contains(ep, "@") || u.User != nil && !strings.HasSuffix(ep, "(auth)") {
			t.Fatalf("endpoint %q shows or hides credentials wrongly", ep)
		}
		if pass, ok := u.User.Password(); ok && pass != "" {
			// The endpoint must not depend on the password at all.
			other := r
			swapped := *u
			swapped.User = url.UserPassword(u.User.Username(), pass+"\x00other")
			other.Proxy = &swapped
			if ep, want := other.Endpoint(), r.Endpoint(); ep != want {
				t.Fatalf("endpoint changes with the password: %q, then %q", want, ep)
			}
			// The host and port are public; a password that spells them is not shown by them.
			for _, line := range append(cfg.Summary(), cfg.Notes...) {
				if distinctive(pass) && strings.Contains(without(line, u.Host), pass) {
					t.Fatalf("summary %q shows the password %q", line, pass)
				}
			}
		}
	})
}

// literalPassword is the password written in raw's userinfo, if any.
func literalPassword(raw string) string {
	from, to := userinfoSpan(raw)
	_, pass, _ := strings.Cut(raw[from:to], ":")
	return pass
}

// refNames are the names of raw's ${NAME} references.
func refNames(raw string) []string {
	var names []string
	for rest := raw; ; {
		_, after, ok := strings.Cut(rest, "${")
		if !ok {
			return names
		}
		name, tail, closed := strings.Cut(after, "}")
		if !closed {
			return names
		}
		if name != "" {
			names = append(names, name)
		}
		rest = tail
	}
}

// without is text with each public piece blanked out, so that a password that happens to
// spell public text is not taken for a leak.
func without(text string, public ...string) string {
	for _, p := range public {
		if p != "" {
			text = strings.ReplaceAll(text, p, " ")
		}
	}
	return text
}

// distinctive is true for a password no fixed message text could contain by chance: six
// bytes or more with an upper-case letter and a digit.
func distinctive(pass string) bool {
	return len(pass) >= 6 && strings.ContainsAny(pass, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.ContainsAny(pass, "0123456789")
}
