package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// skipIfBindForbidden skips when the kernel refuses SO_BINDTODEVICE to this user (Linux
// before 5.7 without CAP_NET_RAW): the route cannot work there, and that is not a bug here.
func skipIfBindForbidden(t *testing.T, err error) {
	t.Helper()
	var named *checks.Error
	if errors.As(err, &named) && named.Operation == checks.OpInterface && strings.Contains(named.Detail, "not permitted") {
		t.Skipf("binding to a device is not permitted here: %v", err)
	}
}
