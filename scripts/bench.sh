#!/usr/bin/env bash
# Network bench, run by hand (not in CI): builds lifeline, then measures it beside curl on a
# delayed loopback bed (a userspace relay holding every byte back 25 ms each way; no netem),
# all in one run and interleaved so that load from other processes hits both sides alike:
# start-up to the first probe, reported connect/TLS times against the relay's calibrated
# round trip, and sweeps of 1, 10, 50 and 200 routes × 4 services against the slowest single
# check, a serial curl loop and xargs -P 32 curl, with wall time, CPU and peak RSS.
# Needs curl. Everything stays on loopback. Run it on a machine otherwise at rest.
#
#   scripts/bench.sh                                   # defaults
#   NETBENCH_RUNS=5 NETBENCH_SWEEP_RUNS=3 scripts/bench.sh     # quicker
#   NETBENCH_VARIANTS=';concurrency: 32;concurrency: 256' scripts/bench.sh   # compare settings
#
# Knobs: NETBENCH_RUNS (accuracy and start-up runs, 20), NETBENCH_SWEEP_RUNS (5),
# NETBENCH_SIZES (1,10,50,200), NETBENCH_SERIAL_MAX (largest sweep also run as a serial
# curl loop, 50), NETBENCH_VARIANTS (';'-separated lifeline settings, ',' between lines of
# one variant; empty means the defaults; "@/path/bin" compares another build, start-up too),
# NETBENCH_STARTUP_ONLY=1 (start-up alone).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v curl > /dev/null || { echo "bench: curl is needed" >&2; exit 1; }
bin=$(mktemp -d)/lifeline
go build -o "$bin" .
NETBENCH_LIFELINE=$bin \
	go test -count=1 -timeout 60m -run '^$' -bench '^BenchmarkNetwork$' -benchtime 1x ./internal/netbench/ |
	grep -v -E '^(goos|goarch|pkg|cpu|PASS|ok |BenchmarkNetwork)'
