#!/usr/bin/env bash
# Long soak: one scheduler sweeps every route kind (direct, SOCKS5, HTTP CONNECT and, where
# the kernel lets it bind, an interface route on lo) against loopback fixtures whose fault
# changes every sweep, for DURATION (default 10m), and prints what it saw: checks run, faults
# injected, peak goroutines and descriptors, peak RSS, heap after GC at the start, once the
# history was full and at the end, and the leaks found. Everything stays on loopback.
#
#   scripts/soak.sh            # 10 minutes
#   scripts/soak.sh 1h -race   # an hour, with the race detector
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10m}
shift || true
LIFELINE_SOAK=$duration go test -count=1 -timeout 0 -v "$@" \
	-run '^TestSoakRotatingFaultsLeaveNoGoroutinesDescriptorsOrHeapBehind$' ./engine/ |
	grep -E '^\s+soak:|^\s+soak_test.go:[0-9]+: sweep|^(--- |ok|FAIL|PASS)|did not return|interface routes'
