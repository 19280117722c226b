# Sourced by the compare_*.sh scripts: finds the benchmark binary, checks the peer's Python
# module, and runs the named Google Benchmark filter into $json (removed on exit).
# Usage (inside a script):  source peer_run.sh <build-dir-or-empty> <python-module> <filter>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build/release}"
bench="$build/benchmarks/kolmo_benchmarks"
[ -x "$bench" ] || { echo "kolmo: build the benchmarks first (cmake --build --preset release)" >&2; exit 2; }
/usr/bin/python3 -c "import $2" 2>/dev/null || { echo "kolmo: needs python3-$2 (scripts/install-deps.sh)" >&2; exit 2; }
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_filter="$3" --benchmark_format=json --benchmark_out="$json" --benchmark_out_format=json >/dev/null
