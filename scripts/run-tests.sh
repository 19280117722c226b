#!/usr/bin/env bash
# Every test CI runs: set up, build the release preset, then ctest — unit tests, the fast
# verification tier and the installed-package consumer check (label verification-full excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
ctest --preset release --parallel "$(nproc)"
