package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

func TestTransferSettingsTargetsAndMeteredRoutes(t *testing.T) {
	doc := `transfer:
  every: 15m
  bytes: 128KiB
  slow_below: 2Mbit
routes:
  - {name: direct, direct: true}
  - {name: phone, proxy: "socks5://127.0.0.1:1080", metered: true}
services:
  - name: app
    targets:
      - {role: chat, tls: "chat.example.org:443"}
      - {role: media, transfer: "https://media.example.org/blob"}
      - {role: media, transfer: "tcp://echo.example.org:7"}
      - {role: media, transfer: "tls://echo.example.org:7443"}
      - {role: media, transfer: "http://media.example.org/blob"}
`
	cfg, err := Parse("c.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := checks.TransferPlan{Every: 15 * time.Minute, Bytes: 128 << 10, SlowBelow: 2e6}
	if cfg.Plan.Transfer != want {
		t.Errorf("transfer = %+v, want %+v", cfg.Plan.Transfer, want)
	}
	if cfg.Plan.Routes[0].Metered || !cfg.Plan.Routes[1].Metered {
		t.Errorf("metered = %v, %v; want false, true", cfg.Plan.Routes[0].Metered, cfg.Plan.Routes[1].Metered)
	}
	targets := cfg.Plan.Services[0].Targets
	for i, addr := range []string{"https://media.example.org/blob", "tcp://echo.example.org:7", "tls://echo.example.org:7443", "http://media.example.org/blob"} {
		if tg := targets[i+1]; tg.Kind != checks.KindTransfer || tg.Role != checks.RoleMedia || tg.Addr != addr {
			t.Errorf("target %d = %+v, want transfer %s", i+1, tg, addr)
		}
	}
	if h := targets[2].Host(); h != "echo.example.org" {
		t.Errorf("echo target host = %q", h)
	}

	// Without the key the plan carries zeros, which the scheduler fills with the defaults.
	cfg, err = Parse("c.yaml", []byte(okRoutes+okServices))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Plan.Transfer != (checks.TransferPlan{}) {
		t.Errorf("default transfer = %+v, want zero", cfg.Plan.Transfer)
	}
	cfg, err = Parse("c.yaml", []byte("transfer: {off: true}\n"+okRoutes+okServices))
	if err != nil || !cfg.Plan.Transfer.Off {
		t.Fatalf("off: true gave %+v, %v", cfg.Plan.Transfer, err)
	}
}

func TestTransferSizesAndRates(t *testing.T) {
	sizes := map[string]int64{"65536": 65536, "64KiB": 64 << 10, "64 KiB": 64 << 10, "64KB": 64000, "1MiB": 1 << 20, "2MB": 2e6, "1.5KiB": 1536}
	for in, want := range sizes {
		cfg, err := Parse("c.yaml", []byte("transfer: {bytes: "+in+"}\n"+okRoutes+okServices))
		if err != nil || cfg.Plan.Transfer.Bytes != want {
			t.Errorf("bytes: %s = %v (%v), want %d", in, cfg, err, want)
		}
	}
	rates := map[string]float64{"1000000": 1e6, "1Mbit": 1e6, "500kbit": 5e5, "500kbit/s": 5e5, "2Mbps": 2e6, "1.5Mbit": 1.5e6, "1Gbit": 1e9}
	for in, want := range rates {
		cfg, err := Parse("c.yaml", []byte("transfer: {slow_below: "+in+"}\n"+okRoutes+okServices))
		if err != nil || cfg.Plan.Transfer.SlowBelow != want {
			t.Errorf("slow_below: %s = %v, want %v", in, err, want)
			continue
		}
	}
}

func TestTransferConfigErrors(t *testing.T) {
	svc := func(target string) string {
		return okRoutes + "services:\n  - name: m\n    targets:\n      - {role: media, transfer: " + target + "}\n"
	}
	cases := []struct{ name, doc, pos, msg string }{
		{"unknown transfer key", "transfer:\n  evry: 10m\n" + okRoutes + okServices, "2:3", `unknown key "evry" in transfer`},
		{"transfer not a mapping", "transfer: 10m\n" + okRoutes + okServices, "1:11", "transfer must be a mapping"},
		{"every without unit", "transfer: {every: 10}\n" + okRoutes + okServices, "1:19", "transfer.every needs a unit"},
		{"every under its floor", "transfer: {every: 10s}\n" + okRoutes + okServices, "1:19", "transfer.every: 10s is below the floor of 1m"},
		{"bad size", "transfer: {bytes: lots}\n" + okRoutes + okServices, "1:19", `transfer.bytes: "lots" is not a size`},
		{"size unit typo", "transfer: {bytes: 64KiBs}\n" + okRoutes + okServices, "1:19", "is not a size"},
		{"size too small", "transfer: {bytes: 100}\n" + okRoutes + okServices, "1:19", "at least 1KiB"},
		{"size too large", "transfer: {bytes: 1000MiB}\n" + okRoutes + okServices, "1:19", "at most 64MiB"},
		{"bad rate", "transfer: {slow_below: fast}\n" + okRoutes + okServices, "1:24", "is not a bit rate"},
		{"zero rate", "transfer: {slow_below: 0}\n" + okRoutes + okServices, "1:24", "at least 1"},
		{"off not bool", "transfer: {off: maybe}\n" + okRoutes + okServices, "1:17", "transfer.off must be true or false"},
		{"metered not bool", "routes:\n  - {name: a, direct: true, metered: yes please}\n" + okServices, "2:38", "metered must be true or false"},
		{"transfer ftp", svc(`"ftp://a.b/x"`), "7:33", "transfer: use an http:// or https:// URL"},
		{"transfer echo path", svc(`"tcp://a.b:7/x"`), "7:33", "tcp://host:port"},
		{"transfer echo no port", svc(`"tcp://a.b"`), "7:33", "is not host:port"},
		{"transfer url with user", svc(`"https://u:p@a.b/x"`), "7:33", "must not carry a user name"},
		{"transfer with sni", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: media, transfer: \"tls://a.b:7\", sni: c}\n", "7:48", "sni applies to tls targets only"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(c.doc))
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %v, want *Error", err)
			}
			if !strings.HasPrefix(err.Error(), "c.yaml:"+c.pos+": ") || !strings.Contains(cerr.Msg, c.msg) {
				t.Errorf("error = %q, want c.yaml:%s: …%s…", err, c.pos, c.msg)
			}
		})
	}
}
