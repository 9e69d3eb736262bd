#!/usr/bin/env bash
# Builds every release artifact locally into dist/, publishing nothing: static binaries for
# linux amd64/arm64/armv7, darwin amd64/arm64, windows amd64 and freebsd amd64; tar.gz/zip
# archives with README, man page and completions; .deb and .rpm packages; checksums.txt.
# Check a release with it before tagging one. GoReleaser is fetched as a Go module the first
# time (a few minutes on two cores), then comes from the build cache.
set -euo pipefail

cd "$(dirname "$0")/.."
GORELEASER=${GORELEASER:-github.com/goreleaser/goreleaser/v2@v2.15.1}

go run "$GORELEASER" check
go run "$GORELEASER" release --snapshot --clean "$@"

echo
echo "dist/:"
ls -l dist/*.tar.gz dist/*.zip dist/*.deb dist/*.rpm dist/checksums.txt
echo
echo "verify with: (cd dist && sha256sum --check --ignore-missing checksums.txt)"
