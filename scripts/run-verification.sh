#!/usr/bin/env bash
# The main job: set up, build, and run the fast tier of the verification suite, printing its
# report table. Writes build/release/verification/{verification-fast.json,report-fast/report.md}.
# Extra arguments go to `kolmo verify` (e.g. --tier all, --filter 'random/.*', --seeds 20).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release --target kolmo_cli
out=build/release/verification
exec build/release/bin/kolmo verify --tier fast --threads "$(nproc)" \
  --json "$out/verification-fast.json" --report "$out/report-fast" "$@"
