package config

import (
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
