#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release), after installing missing packages.
#   scripts/build.sh [preset] [extra cmake --build arguments, e.g. --target kolmo_cli]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
scripts/install-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset" --parallel "$(nproc)" "$@"
