#!/usr/bin/env bash
# Generates what the packages and archives ship beside the binary, from the same command
# and flag definitions as --help: the man page and the bash, zsh and fish completions.
# Writes build/assets/ (or the directory given as $1). Used by .goreleaser.yaml, by CI's
# package step and by anyone packaging lifeline by hand.
set -euo pipefail

cd "$(dirname "$0")/.."
out=${1:-build/assets}
rm -rf "$out"
mkdir -p "$out/completions"

# A build of the checkout (not go run) carries the tag or commit, which the man page shows.
bin=$(mktemp -d)/lifeline
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -buildvcs=auto -o "$bin" .

"$bin" man | gzip -9n >"$out/lifeline.1.gz"
"$bin" completion bash >"$out/completions/lifeline.bash"
"$bin" completion zsh >"$out/completions/_lifeline"
"$bin" completion fish >"$out/completions/lifeline.fish"
echo "wrote $out: $(cd "$out" && find . -type f | sort | tr '\n' ' ')"
