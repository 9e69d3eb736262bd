#!/usr/bin/env bash
# CI beside a CPU hog: runs .ci/run on a fresh clone of this repository at REV (default HEAD)
# RUNS times in a row (default 5) while one busy loop per core competes with it, and stops at
# the first red run. A clone, not a copy of the tree: the package step takes its version from
# git, as CI does. Needs what .ci/run needs (root, for the interop suite).
#
#   scripts/ci-under-load.sh            # HEAD, 5 runs
#   scripts/ci-under-load.sh main 1     # one run of main
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=$(git -C "$repo" rev-parse --short "${1:-HEAD}")
runs=${2:-5}
dir=$(mktemp -d)
hogs=()
cleanup() {
	if ((${#hogs[@]})); then kill "${hogs[@]}" 2>/dev/null || true; fi
	rm -rf "$dir"
}
trap cleanup EXIT
git clone -q "$repo" "$dir/lifeline"
git -C "$dir/lifeline" checkout -q "$rev"
for run in $(seq 1 "$runs"); do
	hogs=()
	for _ in $(seq 1 "$(nproc)"); do
		sh -c 'while :; do :; done' &
		hogs+=("$!")
	done
	log=$dir/run$run.log
	start=$SECONDS
	rc=0
	"$dir/lifeline/.ci/run" >"$log" 2>&1 || rc=$?
	kill "${hogs[@]}" 2>/dev/null || true
	hogs=()
	steps=$(grep -E '^==> .*(ok|FAILED) \(' "$log" | sed 's/^==> //' | paste -sd ';' -)
	echo "$rev run $run: exit $rc in $((SECONDS - start)) s — $steps"
	if ((rc != 0)); then
		kept=${TMPDIR:-/tmp}/ci-under-load-$rev-run$run.log
		cp "$log" "$kept"
		echo "log: $kept"
		exit "$rc"
	fi
done
