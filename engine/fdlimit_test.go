package engine

import "testing"

func TestConcurrencyStaysWithinTheOpenFileLimit(t *testing.T) {
	cases := []struct {
		want  int
		limit uint64
		got   int
	}{
		{32, 0, 32},           // limit unknown: as configured
		{32, 1 << 20, 32},     // plenty of room
		{2000, 1024, 480},     // (1024-64)/2
		{2000, 256, 96},       // (256-64)/2
		{5, 20, 1},            // hardly any room: still one probe at a time
		{2000, 1 << 62, 2000}, // a huge limit does not overflow
	}
	for _, c := range cases {
		if got := concurrencyWithin(c.want, c.limit); got != c.got {
			t.Errorf("concurrencyWithin(%d, %d) = %d, want %d", c.want, c.limit, got, c.got)
		}
	}
}
