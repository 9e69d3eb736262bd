package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
)

// ifaceRoute builds an interface route on dev whose names resolve through dns.
func ifaceRoute(t *testing.T, dev, dns string) engine.Route {
	t.Helper()
	r, err := engine.NewRoute(checks.RouteSpec{Name: "vpn", Kind: checks.RouteInterface, Interface: dev, DNS: dns})
	if err != nil {
		t.Fatalf("NewRoute: %v", err)
	}
	return r
}

func TestInterfaceRouteNeedsADeviceName(t *testing.T) {
	if _, err := engine.NewRoute(checks.RouteSpec{Name: "vpn", Kind: checks.RouteInterface}); err == nil {
		t.Fatal("an interface route without an interface was accepted")
	}
}

func TestMissingInterfaceIsNamed(t *testing.T) {
	r := ifaceRoute(t, "nosuchif0", "127.0.0.1:53")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := r.Check(ctx)
	named := wantRouteErr(t, err, checks.FailInterfaceMissing, checks.OpInterface, "interface nosuchif0 not found")
	if h := named.Human(""); h != "interface nosuchif0 not found" {
		t.Errorf("Human = %q", h)
	}
	if got := r.Spec().Endpoint(); got != "nosuchif0" {
		t.Errorf("Endpoint = %q, want the device name", got)
	}
}
