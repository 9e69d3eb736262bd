package ui

import (
	"fmt"
	"testing"
)

// Route names cut to fit must still tell the routes apart: the part that differs (often the
// end) survives.
func TestDistinctNamesKeepWhatTellsRoutesApart(t *testing.T) {
	var names []string
	for i := 1; i <= 20; i++ {
		names = append(names, fmt.Sprintf("proxy-frankfurt-am-main-datacenter-%02d", i))
	}
	names = append(names, "direct", "de-socks-long-name-a", "nl-socks-long-name-a")
	for _, w := range []int{8, 12, 20, 30} {
		for _, ell := range []string{"…", "..."} {
			got := distinctNames(names, w, ell)
			seen := map[string]string{}
			for k, s := range got {
				if width(s) > w {
					t.Errorf("w=%d: %q is %d wide", w, s, width(s))
				}
				if other, dup := seen[s]; dup {
					t.Errorf("w=%d: %q and %q both read %q", w, names[k], other, s)
				}
				seen[s] = names[k]
			}
			if got[len(names)-3] != "direct" {
				t.Errorf("w=%d: a name that fits was changed to %q", w, got[len(names)-3])
			}
		}
	}
}
