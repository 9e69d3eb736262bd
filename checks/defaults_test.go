package checks

import (
	"testing"
	"time"
)

func TestAZeroPlanGetsEveryDefaultAndStaysQuiet(t *testing.T) {
	p := Plan{}.WithDefaults()
	if p.Settings != DefaultSettings {
		t.Errorf("settings %+v, want the defaults %+v", p.Settings, DefaultSettings)
	}
	want := TransferPlan{Every: DefaultTransferEvery, Bytes: DefaultTransferBytes, SlowBelow: DefaultTransferSlowBelow}
	if p.Transfer != want {
		t.Errorf("transfer %+v, want %+v", p.Transfer, want)
	}
	if p.Extra.EgressEvery != DefaultEgressEvery {
		t.Errorf("egress every %v, want %v", p.Extra.EgressEvery, DefaultEgressEvery)
	}
	if p.Extra.DNSCompare != "" || p.Extra.EgressURL != "" {
		t.Errorf("a bare plan contacts %q and %q; it must contact no public server", p.Extra.DNSCompare, p.Extra.EgressURL)
	}
	if again := p.WithDefaults(); again.Settings != p.Settings || again.Transfer != p.Transfer || again.Extra != p.Extra {
		t.Errorf("defaults applied twice change the plan: %+v then %+v", p, again)
	}
}

func TestAStepTimeoutLeftOutIsNeverLongerThanTheCheck(t *testing.T) {
	s := Settings{Timeout: 2 * time.Second}.WithDefaults()
	if s.StepTimeout != 2*time.Second {
		t.Errorf("step timeout %v with a 2s check timeout, want 2s", s.StepTimeout)
	}
	s = Settings{Timeout: time.Minute, StepTimeout: 3 * time.Second, PerRoute: 1}.WithDefaults()
	if s.StepTimeout != 3*time.Second || s.PerRoute != 1 || s.Timeout != time.Minute {
		t.Errorf("set values changed: %+v", s)
	}
}
