package engine

import (
	"testing"
	"time"
)

// SetStallFloor shortens the stall floor for one test, so a frozen fixture is named a stall
// in a fraction of the product's 1.5 s.
func SetStallFloor(tb testing.TB, d time.Duration) {
	old := stallFloor.Swap(int64(d))
	tb.Cleanup(func() { stallFloor.Store(old) })
}
