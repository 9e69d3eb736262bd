package engine

import "testing"

// IP_UNICAST_IF wants the index in network byte order: index 5 is the bytes 00 00 00 05.
func TestUnicastIFv4IsInNetworkByteOrder(t *testing.T) {
	for index, want := range map[int]int{1: 0x01000000, 5: 0x05000000, 0x0102: 0x02010000} {
		if got := unicastIFv4(index); got != want {
			t.Errorf("unicastIFv4(%d) = %#x, want %#x", index, got, want)
		}
	}
}
