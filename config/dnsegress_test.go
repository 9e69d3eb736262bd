package config

import (
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func TestExtraChecksDefaultsFollowTheControl(t *testing.T) {
	base := "routes: [{name: direct, direct: true}]\nservices: [{name: x, targets: [{role: calls, stun: \"stun.example.org:3478\"}]}]\n"
	cfg, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	want := checks.ExtraChecks{DNSCompare: checks.DefaultDNSCompare, EgressURL: checks.DefaultEgressURL}
	if cfg.Plan.Extra != want {
		t.Errorf("defaults = %+v, want %+v", cfg.Plan.Extra, want)
	}
	if tg := cfg.Plan.Services[0].Targets[0]; tg.Kind != checks.KindSTUN || tg.Addr != "stun.example.org:3478" || tg.Role != checks.RoleCalls {
		t.Errorf("stun target = %+v", tg)
	}
	cfg, err = Parse("c.yaml", []byte("control: none\n"+base))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Plan.Extra != (checks.ExtraChecks{}) {
		t.Errorf("with control: none, extras = %+v, want all off", cfg.Plan.Extra)
	}
	cfg, err = Parse("c.yaml", []byte("control: none\ndns_compare: 9.9.9.9:53\negress: on\negress_url: https://echo.example/trace\negress_every: 10m\n"+base))
	if err != nil {
		t.Fatal(err)
	}
	if x := cfg.Plan.Extra; x.DNSCompare != "9.9.9.9:53" || x.EgressURL != "https://echo.example/trace" || x.EgressOff || x.EgressEvery.Minutes() != 10 {
		t.Errorf("explicit extras = %+v", x)
	}
	cfg, err = Parse("c.yaml", []byte("egress: off\ndns_compare: off\n"+base))
	if err != nil {
		t.Fatal(err)
	}
	if x := cfg.Plan.Extra; !x.EgressOff || x.DNSCompare != "" {
		t.Errorf("switched off: %+v", x)
	}
}
