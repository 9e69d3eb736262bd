package config

import (
	"errors"
	"path/filepath"
	"testing"
)

// FuzzParse: whatever the bytes, Parse returns a config or a placed *Error, never panics, and
// an accepted config is runnable (named, unique routes and services, each with what it needs).
func FuzzParse(f *testing.F) {
	f.Add([]byte(Starter()))
	f.Add([]byte(fullExample))
	f.Add([]byte("routes: [{name: d, direct: true}]\nservices: [whatsapp]\n"))
	f.Add([]byte("control: {tls: \"a:1\", sni: b}\nroutes:\n  - {name: p, proxy: \"socks5://u:${X}@h:1\"}\nservices:\n  - {name: m, targets: [{role: chat, tcp: \"a:1\"}]}\n"))
	dir := f.TempDir()
	file := filepath.Join(dir, "config.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(file, data)
		if err != nil {
			var cerr *Error
			if !errors.As(err, &cerr) || cerr.Line < 1 || cerr.Col < 1 || cerr.Msg == "" {
				t.Fatalf("error %q (%T) is not a placed *Error", err, err)
			}
			return
		}
		if len(cfg.Plan.Routes) == 0 || len(cfg.Plan.Services) == 0 {
			t.Fatal("accepted a config without routes or services")
		}
		seen := map[string]bool{}
		for _, r := range cfg.Plan.Routes {
			if r.Name == "" || r.Kind == "" || seen[r.Name] {
				t.Fatalf("bad route %+v", r)
			}
			seen[r.Name] = true
			if (r.Kind == "socks5" || r.Kind == "http") && (r.Proxy == nil || r.Proxy.Host == "") {
				t.Fatalf("proxy route without a proxy: %+v", r)
			}
		}
		seen = map[string]bool{}
		for _, s := range cfg.Plan.Services {
			if s.Name == "" || len(s.Targets) == 0 || seen[s.Name] {
				t.Fatalf("bad service %+v", s)
			}
			seen[s.Name] = true
			for _, tg := range s.Targets {
				if tg.Kind == "" || tg.Addr == "" || tg.Role == "" || tg.RootCAs != nil {
					t.Fatalf("bad target %+v", tg)
				}
			}
		}
		s := cfg.Plan.Settings
		if s.Interval <= 0 || s.Timeout <= 0 || s.StepTimeout <= 0 || s.StepTimeout > s.Timeout || s.Concurrency < 1 || s.PerRoute < 1 {
			t.Fatalf("bad settings %+v", s)
		}
	})
}
