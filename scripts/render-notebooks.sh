#!/usr/bin/env bash
# Executes every notebook at full size (KOLMO_NOTEBOOK_FAST unset) against the release build's
# Python module and writes the executed copies, with their figures as PNG files, to
# build/release/notebooks/ (the folder README.md names). A few minutes on two cores.
#   scripts/render-notebooks.sh [notebooks/NAME.ipynb ...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release --target kolmo_python
if [ $# -eq 0 ]; then set -- notebooks/*.ipynb; fi
PYTHONPATH="$PWD/build/release/python" /usr/bin/python3 notebooks/execute.py --out build/release/notebooks "$@"
