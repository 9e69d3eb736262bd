package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// skipIfBindForbidden skips when this system will not bind a socket to a device: Linux before
// 5.7 refuses SO_BINDTODEVICE without CAP_NET_RAW, and some systems (FreeBSD) have no such
// option at all. The route cannot work there, and that is not a bug here.
func skipIfBindForbidden(t *testing.T, err error) {
	t.Helper()
	var named *checks.Error
	if errors.As(err, &named) && named.Operation == checks.OpInterface &&
		(strings.Contains(named.Detail, "not permitted") || strings.Contains(named.Detail, "cannot send a socket out of a chosen interface")) {
		t.Skipf("binding to a device is not possible here: %v", err)
	}
}
