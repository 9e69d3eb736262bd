package config

import (
	"context"
	"os/exec"
	"time"
)

// systemProxies asks scutil for the proxies of the current network service.
func systemProxies() []systemProxy {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/sbin/scutil", "--proxy").Output()
	if err != nil {
		return nil
	}
	return parseScutilProxy(string(out))
}
