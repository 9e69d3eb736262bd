//go:build unix

package netbench

import (
	"fmt"
	"slices"
	"time"
)

// quantile is the q-quantile of d (nearest rank); 0 for no data.
func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// ms formats d in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// signedMS formats d in milliseconds with a sign.
func signedMS(d time.Duration) string { return fmt.Sprintf("%+.1f", float64(d.Microseconds())/1000) }

// errors is each value minus floor.
func errorsFrom(d []time.Duration, floor time.Duration) []time.Duration {
	out := make([]time.Duration, len(d))
	for i, v := range d {
		out[i] = v - floor
	}
	return out
}
