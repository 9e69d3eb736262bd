#!/bin/sh
# Measures the CPU the real dashboard uses while idle between sweeps, in tmux, against a
# loopback grid of ROUTES × SERVICES (default 50 × 4) for SECONDS (default 60).
#
#   scripts/idle-cpu.sh [ROUTES] [SERVICES] [SECONDS]
#
# LIFELINE_BIN=path measures a prebuilt binary (e.g. an older build, to compare). Needs tmux.
set -eu
cd "$(dirname "$0")/.."
export LIFELINE_IDLE_CPU=1
export LIFELINE_IDLE_ROUTES="${1:-50}"
export LIFELINE_IDLE_SERVICES="${2:-4}"
export LIFELINE_IDLE_SECONDS="${3:-60}"
go test -count=1 -timeout 10m -run '^TestIdleCPU$' -v ./e2e/ 2>&1 | grep -E 'idle for|^(ok|FAIL|---)'
